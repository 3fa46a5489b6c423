"""policytext.nlp"""

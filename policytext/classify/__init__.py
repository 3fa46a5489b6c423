"""policytext.classify"""

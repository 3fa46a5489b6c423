"""policytext.export"""

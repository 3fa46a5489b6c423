"""policytext.cli"""

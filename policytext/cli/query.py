"""Commands of the `query` group (registered on the policytext app when imported)."""

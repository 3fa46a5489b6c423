"""Commands of the `export` group (registered on the policytext app when imported)."""

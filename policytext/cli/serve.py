"""Commands of the `serve` group (registered on the policytext app when imported)."""

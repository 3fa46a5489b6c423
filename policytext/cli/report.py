"""Commands of the `report` group (registered on the policytext app when imported)."""

"""accounts: users, roles, plans, profiles, follows and the Producer Program (docs/rpc-accounts.md)."""

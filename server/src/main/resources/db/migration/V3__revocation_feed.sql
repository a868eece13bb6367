-- Live sessions poll for tokens revoked since their last look.
create index access_token_ledger_revoked on access_token_ledger(revoked_at);

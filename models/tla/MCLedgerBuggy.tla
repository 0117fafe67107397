---------------------------- MODULE MCLedgerBuggy ----------------------------
(* Ledger with the nullifier check removed: TLC must find a double spend.  *)
(* This model exists to prove the harness detects a violation.             *)
EXTENDS Ledger

MCKeys == {"k1", "k2"}
=============================================================================

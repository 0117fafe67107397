------------------------------- MODULE MCLedger -------------------------------
(* Small constants for exhaustive checking of Ledger (see MCLedger.cfg).    *)
EXTENDS Ledger

MCKeys == {"k1", "k2"}
=============================================================================

---------------------------- MODULE MCKadcastLossy ----------------------------
(* 8 nodes (3-bit ids), beta = 3, full buckets of K = 2: each fan-out     *)
(* sends min(3, |bucket|) <= 2 packets; Coverage holds while a fan-out     *)
(* keeps one of them.                                                       *)
EXTENDS KadcastLossy
=============================================================================

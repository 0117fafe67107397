--------------------------- MODULE MCKadcastBuggy ---------------------------
(* Kadcast forwarding to buckets <= the received height instead of <:      *)
(* TLC must find a message that does not travel strictly downwards.        *)
EXTENDS Kadcast
=============================================================================

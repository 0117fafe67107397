------------------------------ MODULE MCKadcast ------------------------------
(* Kadcast with 3-bit ids (8 nodes, complete tables), beta = 1.            *)
EXTENDS Kadcast
=============================================================================

-------------------- MODULE MCSuccinctAttestationNoGST --------------------
(* Liveness (spec/consensus.md §4): honest h1 (1 credit), h2 (3), h3 (2);  *)
(* Byzantine g (1) generates iteration 0 and withholds every vote          *)
(* (ByzantineVote = FALSE, the worst case for liveness). Rule 2.10 gives   *)
(* the committees {h2, h3} (iteration 0) and {h2, h3, g} (iteration 1, h1  *)
(* generating). Timers may fire at any moment in iterations below GSTIter. *)
EXTENDS SuccinctAttestation, TLC

MCCredits == ("h1" :> 1) @@ ("h2" :> 3) @@ ("h3" :> 2) @@ ("g" :> 1)
MCGenerator == [i \in 0..1 |-> IF i = 0 THEN "g" ELSE "h1"]
MCValidQuorum(n) == Supermajority(n)
MCOtherQuorum(n) == Majority(n)
=============================================================================

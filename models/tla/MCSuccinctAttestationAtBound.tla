-------------------- MODULE MCSuccinctAttestationAtBound --------------------
(* MCSuccinctAttestation with b holding 2 credits: each committee has 7    *)
(* credits (Valid 5, other 4), whose bound is 5 + 4 - 7 - 1 = 1, so b sits *)
(* one credit beyond it (still below a third). TLC must find Agreement     *)
(* violated: Success and Fail in iteration 0, then a Success in iteration  *)
(* 1 with PNI 0 (spec/consensus.md §4).                                    *)
EXTENDS SuccinctAttestation, TLC

MCCredits == ("h1" :> 3) @@ ("h2" :> 2) @@ ("b" :> 2) @@ ("g" :> 1)
MCGenerator == [i \in 0..1 |-> "g"]
MCValidQuorum(n) == Supermajority(n)
MCOtherQuorum(n) == Majority(n)
MCSymmetry == Permutations(Candidates)
=============================================================================

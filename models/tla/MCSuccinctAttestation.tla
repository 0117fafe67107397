-------------------- MODULE MCSuccinctAttestation --------------------
(* Safety below the equivocation bound (spec/consensus.md §4, §10). Honest *)
(* h1 (3 credits) and h2 (2); Byzantine b (1) and g, the generator of     *)
(* every iteration, which proposes any candidates at any time. Rule 2.10  *)
(* keeps g out of every committee: each committee is {h1, h2, b}, 6       *)
(* credits (Valid 4, other 4), whose bound is 4 + 4 - 6 - 1 = 1 credit.   *)
EXTENDS SuccinctAttestation, TLC

MCCredits == ("h1" :> 3) @@ ("h2" :> 2) @@ ("b" :> 1) @@ ("g" :> 1)
MCGenerator == [i \in 0..1 |-> "g"]
MCValidQuorum(n) == Supermajority(n)
MCOtherQuorum(n) == Majority(n)
MCSymmetry == Permutations(Candidates)
=============================================================================

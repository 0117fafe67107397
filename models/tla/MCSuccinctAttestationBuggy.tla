-------------------- MODULE MCSuccinctAttestationBuggy --------------------
(* The Valid quorum lowered to a simple majority, on committees {h1, h2, b} *)
(* of 2 + 2 + 1 credits (Majority(5) = 3 instead of Supermajority(5) = 4):  *)
(* TLC must find two candidates with a Valid quorum in one iteration.      *)
EXTENDS SuccinctAttestation, TLC

MCCredits == ("h1" :> 2) @@ ("h2" :> 2) @@ ("b" :> 1) @@ ("g" :> 1)
MCGenerator == [i \in 0..1 |-> "g"]
MCValidQuorum(n) == Majority(n)
MCOtherQuorum(n) == Majority(n)
MCSymmetry == Permutations(Candidates)
=============================================================================

--------------------- MODULE MCSuccinctAttestation ---------------------
(* Small constants for exhaustive checking of SuccinctAttestation.        *)
(* Two honest provisioners with 2 credits each and one Byzantine with 1: *)
(* 5 credits, so the Valid quorum is Supermajority(5) = 4, the other     *)
(* quorum Majority(5) = 3, and Byzantine credits stay below a third. The *)
(* Byzantine provisioner generates iteration 0 and may equivocate; an    *)
(* honest one generates iteration 1. With these credits lowering the     *)
(* Valid quorum to a majority breaks safety while the real thresholds    *)
(* keep it. (Four provisioners with credits 1, 1, 2 and 1 behave alike  *)
(* but exceed 2 million states; see spec/consensus.md §4.)               *)
EXTENDS SuccinctAttestation

MCProvisioners == {"h1", "h2", "b"}
MCByzantine == {"b"}
MCCredits == [p \in MCProvisioners |-> IF p = "b" THEN 1 ELSE 2]
MCCandidates == {"A", "B"}
MCGenerator == [i \in 0..1 |-> IF i = 0 THEN "b" ELSE "h1"]
MCValidQuorum == Supermajority(SumCredits(MCProvisioners))
MCOtherQuorum == Majority(SumCredits(MCProvisioners))
=============================================================================

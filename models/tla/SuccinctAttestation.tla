------------------------- MODULE SuccinctAttestation -------------------------
(***************************************************************************)
(* One round of Dusk's Succinct Attestation (spec/consensus.md §3-§4).     *)
(*                                                                         *)
(* Each iteration has a Proposal, a Validation and a Ratification step.    *)
(* Provisioners hold credits; a vote weighs its voter's credits. Honest    *)
(* provisioners cast at most one vote per step and may time out at any     *)
(* moment; steps and iterations interleave freely (asynchrony: a node may  *)
(* still vote in an iteration others have left). A Byzantine              *)
(* generator may propose several candidates, and Byzantine provisioners    *)
(* vote for every value of every step (double votes): quorums only grow    *)
(* with votes, so this strongest behaviour covers every other Byzantine    *)
(* voting pattern and needs no state of its own.                           *)
(*                                                                         *)
(* Abstractions (spec/consensus.md §4): every step's committee is the      *)
(* whole provisioner set with fixed credits (sortition is abstracted       *)
(* away); the generator of each iteration is a constant; Invalid votes     *)
(* count like NoCandidate votes (same quorum, same Fail outcome) and are   *)
(* folded into them; signatures are assumed unforgeable, so a vote is its  *)
(* voter's; messages are never lost but may arrive in any order, which the *)
(* free interleaving of actions covers.                                    *)
(*                                                                         *)
(* Finalize is the earliest finality Dusk grants: a block attested with    *)
(* PNI = 0, i.e. every earlier iteration of the round has a Fail           *)
(* attestation (rolling finality then makes it Final when the next block   *)
(* is attested; later rounds are not modelled).                            *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    Provisioners,   \* all provisioners
    Byzantine,      \* the Byzantine ones
    Credits,        \* [Provisioners -> Nat]: credits in every committee
    Candidates,     \* candidate block names (strings)
    MaxIter,        \* iterations 0..MaxIter-1
    Generator,      \* [0..MaxIter-1 -> Provisioners]
    ValidQuorum,    \* credits a Valid vote needs (supermajority)
    OtherQuorum     \* credits NoCandidate and NoQuorum votes need (majority)

Honest == Provisioners \ Byzantine
Iterations == 0..(MaxIter - 1)

\* Votes are strings: a candidate's name stands for Valid(candidate).
NoCandidate == "NoCandidate"
NoQuorum == "NoQuorum"
ValidationVotes == Candidates \cup {NoCandidate}
RatificationVotes == ValidationVotes \cup {NoQuorum}
FailVotes == {NoCandidate, NoQuorum}
NoVote == "none"

RECURSIVE SumCredits(_)
SumCredits(S) ==
    IF S = {} THEN 0
    ELSE LET p == CHOOSE x \in S : TRUE IN Credits[p] + SumCredits(S \ {p})

TotalCredits == SumCredits(Provisioners)
Majority(n) == n \div 2 + 1
Supermajority(n) == n - n \div 3
Threshold(v) == IF v \in Candidates THEN ValidQuorum ELSE OtherQuorum

ASSUME 3 * SumCredits(Byzantine) < TotalCredits
ASSUME \A i \in Iterations : Generator[i] \in Provisioners

VARIABLES
    proposed,       \* set of <<iteration, candidate>> broadcast by generators
    vvotes,         \* [Iterations -> [Honest -> ValidationVotes \cup {NoVote}]]
    rvotes,         \* [Iterations -> [Honest -> RatificationVotes \cup {NoVote}]]
    attestations,   \* set of <<iteration, vote>>: a candidate = Success, else Fail
    finalized       \* set of <<iteration, candidate>> some honest node finalized

vars == <<proposed, vvotes, rvotes, attestations, finalized>>

\* Credits for vote v in one step of iteration i: the honest provisioners that cast it
\* plus every Byzantine provisioner, who votes for everything.
Weight(votes, i, v) == SumCredits({n \in Honest : votes[i][n] = v}) + SumCredits(Byzantine)

(* Votes for v of iteration i reach their Validation quorum: the           *)
(* ValidationResult every node that collects them computes.                 *)
ReachValidationQuorum(i, v) == Weight(vvotes, i, v) >= Threshold(v)

Init ==
    /\ proposed = {}
    /\ vvotes = [i \in Iterations |-> [n \in Honest |-> NoVote]]
    /\ rvotes = [i \in Iterations |-> [n \in Honest |-> NoVote]]
    /\ attestations = {}
    /\ finalized = {}

(* The generator of iteration i broadcasts candidate c. An honest generator *)
(* proposes once; a Byzantine one equivocates.                              *)
Propose(p, i, c) ==
    /\ p = Generator[i]
    /\ <<i, c>> \notin proposed
    /\ (p \in Honest => \A d \in Candidates : <<i, d>> \notin proposed)
    /\ proposed' = proposed \cup {<<i, c>>}
    /\ UNCHANGED <<vvotes, rvotes, attestations, finalized>>

(* Validation: an honest node votes Valid(c) for a candidate it received,  *)
(* or NoCandidate when its Proposal step timed out; once per iteration.    *)
CastValidationVote(n, i, v) ==
    /\ vvotes[i][n] = NoVote
    /\ (v \in Candidates => <<i, v>> \in proposed)
    /\ vvotes' = [vvotes EXCEPT ![i][n] = v]
    /\ UNCHANGED <<proposed, rvotes, attestations, finalized>>

(* Ratification: an honest node votes its Validation result, or NoQuorum    *)
(* when the Validation step timed out without one.                          *)
CastRatificationVote(n, i, v) ==
    /\ rvotes[i][n] = NoVote
    /\ (v = NoQuorum \/ ReachValidationQuorum(i, v))
    /\ rvotes' = [rvotes EXCEPT ![i][n] = v]
    /\ UNCHANGED <<proposed, vvotes, attestations, finalized>>

(* Both quorums for v (only the Ratification one for NoQuorum) make an       *)
(* attestation: Success(Valid(c)) for a candidate, Fail otherwise.          *)
Attest(i, v) ==
    /\ <<i, v>> \notin attestations
    /\ Weight(rvotes, i, v) >= Threshold(v)
    /\ (v # NoQuorum => ReachValidationQuorum(i, v))
    /\ attestations' = attestations \cup {<<i, v>>}
    /\ UNCHANGED <<proposed, vvotes, rvotes, finalized>>

(* Candidate c of iteration i is final for the honest nodes that hold its  *)
(* attestation: every earlier iteration has a Fail attestation (PNI = 0).  *)
(* Every honest node receives every attestation, so one set records what   *)
(* any of them finalized.                                                   *)
Finalize(i, c) ==
    /\ <<i, c>> \notin finalized
    /\ <<i, c>> \in attestations
    /\ \A j \in 0..(i - 1) : \E v \in FailVotes : <<j, v>> \in attestations
    /\ finalized' = finalized \cup {<<i, c>>}
    /\ UNCHANGED <<proposed, vvotes, rvotes, attestations>>

Next ==
    \/ \E p \in Provisioners, i \in Iterations, c \in Candidates : Propose(p, i, c)
    \/ \E n \in Honest, i \in Iterations, v \in ValidationVotes : CastValidationVote(n, i, v)
    \/ \E n \in Honest, i \in Iterations, v \in RatificationVotes :
          CastRatificationVote(n, i, v)
    \/ \E i \in Iterations, v \in RatificationVotes : Attest(i, v)
    \/ \E i \in Iterations, c \in Candidates : Finalize(i, c)

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
TypeOK ==
    /\ proposed \subseteq Iterations \X Candidates
    /\ vvotes \in [Iterations -> [Honest -> ValidationVotes \cup {NoVote}]]
    /\ rvotes \in [Iterations -> [Honest -> RatificationVotes \cup {NoVote}]]
    /\ attestations \subseteq Iterations \X RatificationVotes
    /\ finalized \subseteq Iterations \X Candidates

(* At most one candidate reaches a Valid quorum per iteration. *)
UniqueValidQuorum ==
    \A i \in Iterations, c, d \in Candidates :
        (ReachValidationQuorum(i, c) /\ ReachValidationQuorum(i, d)) => c = d

(* At most one candidate is attested per iteration. *)
UniqueSuccess ==
    \A i \in Iterations, c, d \in Candidates :
        (<<i, c>> \in attestations /\ <<i, d>> \in attestations) => c = d

(* No two honest nodes finalize different blocks at this height. *)
Agreement ==
    \A b1, b2 \in finalized : b1 = b2
=============================================================================

------------------------- MODULE SuccinctAttestation -------------------------
(***************************************************************************)
(* One round of Dusk's Succinct Attestation (spec/consensus.md §3-§4).     *)
(*                                                                         *)
(* Each honest node walks the iterations of the round: Proposal,           *)
(* Validation, Ratification, then NextIteration on a Fail attestation of   *)
(* its iteration or on its Ratification timeout. Provisioners hold         *)
(* credits; a vote weighs its voter's credits. The committees of           *)
(* iteration i exclude the generators of i and i+1 (rule 2.10), so a       *)
(* generator never votes in its own iteration. A Byzantine generator may   *)
(* propose several candidates at any time, and Byzantine committee members *)
(* vote for every value of every step (double votes): quorums only grow    *)
(* with votes, so this strongest behaviour covers every other Byzantine    *)
(* voting pattern for safety and needs no state of its own.                *)
(*                                                                         *)
(* Time. Before GST (iterations below GSTIter) any step may time out at    *)
(* any moment. From GSTIter on, messages arrive before timers fire: a      *)
(* step times out only when waiting cannot help (the generator is          *)
(* Byzantine; every honest member voted and no quorum formed). Liveness    *)
(* (Termination) is checked under weak fairness of every honest node and  *)
(* of Attest.                                                              *)
(*                                                                         *)
(* Abstractions (spec/consensus.md §4): committees are fixed sets with     *)
(* fixed credits (sortition is abstracted); Invalid votes count like       *)
(* NoCandidate votes (same quorum, same Fail outcome) and are folded into  *)
(* them; signatures are unforgeable; a broadcast message reaches every     *)
(* node, so the sets proposed and attestations are what every node can     *)
(* read, and asynchrony is the free interleaving of the nodes' actions.   *)
(*                                                                         *)
(* Finalize is the earliest finality Dusk grants: a block attested with    *)
(* PNI = 0, i.e. every earlier iteration has a recorded Fail attestation.  *)
(* Relaxed mode: Fail attestations of iterations >= RelaxIter are not      *)
(* recorded (failed_iterations holds at most RelaxIter entries), so a      *)
(* block above iteration RelaxIter never has PNI 0.                        *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    Provisioners,   \* all provisioners
    Byzantine,      \* the Byzantine ones
    Credits,        \* [Provisioners -> Nat]: credits of a committee member
    Candidates,     \* candidate block names (strings)
    MaxIter,        \* iterations 0..MaxIter-1
    Generator,      \* [0..MaxIter-1 -> Provisioners]
    RelaxIter,      \* first relaxed iteration: its Fail attestations are not recorded
    GSTIter,        \* first iteration in which honest nodes' timers never fire early
    ByzantineVote,  \* TRUE: Byzantine members vote every value; FALSE: they withhold
    ValidQuorum(_), \* credits a Valid vote needs among a committee's credits
    OtherQuorum(_)  \* credits NoCandidate and NoQuorum votes need

Honest == Provisioners \ Byzantine
Iterations == 0..(MaxIter - 1)
Steps == {"Proposal", "Validation", "Ratification"}

\* Votes are strings: a candidate's name stands for Valid(candidate).
NoCandidate == "NoCandidate"
NoQuorum == "NoQuorum"
ValidationVotes == Candidates \cup {NoCandidate}
RatificationVotes == ValidationVotes \cup {NoQuorum}
FailVotes == {NoCandidate, NoQuorum}
NoVote == "none"
NoBlock == <<>>

Majority(n) == n \div 2 + 1
Supermajority(n) == n - n \div 3

(* Rule 2.10: the Validation and Ratification committees of iteration i.   *)
Committee(i) ==
    Provisioners \ ({Generator[i]} \cup IF i + 1 < MaxIter THEN {Generator[i + 1]} ELSE {})

(* Credits of p in step s ("Validation" or "Ratification") of iteration i. *)
(* Sortition is abstracted: a member of Committee(i) holds its fixed       *)
(* credits in both steps. TraceSuccinctAttestation overrides StepCredits   *)
(* with the credits Python's sortition drew (spec/consensus.md §14).       *)
StepCredits(s, i, p) == IF p \in Committee(i) THEN Credits[p] ELSE 0
InStep(s, i) == {p \in Provisioners : StepCredits(s, i, p) > 0}

RECURSIVE SumCredits(_, _, _)
SumCredits(s, i, S) ==
    IF S = {} THEN 0
    ELSE LET p == CHOOSE x \in S : TRUE IN StepCredits(s, i, p) + SumCredits(s, i, S \ {p})

StepTotal(s, i) == SumCredits(s, i, InStep(s, i))
Threshold(s, i, v) ==
    IF v \in Candidates THEN ValidQuorum(StepTotal(s, i)) ELSE OtherQuorum(StepTotal(s, i))

ASSUME \A i \in Iterations : Generator[i] \in Provisioners
ASSUME RelaxIter \in Nat /\ GSTIter \in Nat /\ ByzantineVote \in BOOLEAN

VARIABLES
    proposed,       \* set of <<iteration, candidate>> broadcast by generators
    vvotes,         \* [Iterations -> [Honest -> ValidationVotes \cup {NoVote}]]
    rvotes,         \* [Iterations -> [Honest -> RatificationVotes \cup {NoVote}]]
    attestations,   \* set of <<iteration, vote>>: a candidate = Success, else Fail
    iter,           \* [Honest -> Iterations]: each honest node's iteration
    step,           \* [Honest -> Steps]: each honest node's step
    decided,        \* [Honest -> block or NoBlock]: the block a node decided
    finalized       \* set of <<iteration, candidate>> some honest node finalized

vars == <<proposed, vvotes, rvotes, attestations, iter, step, decided, finalized>>

\* Credits for v in one step of iteration i: the honest members that cast it plus, when
\* ByzantineVote, every Byzantine member, who votes for everything (the worst case for
\* safety); otherwise Byzantine members withhold every vote (the worst case for liveness).
Weight(s, votes, i, v) ==
    SumCredits(s, i, {n \in Honest \cap InStep(s, i) : votes[i][n] = v})
    + IF ByzantineVote THEN SumCredits(s, i, Byzantine \cap InStep(s, i)) ELSE 0

(* Votes for v of iteration i reach their Validation quorum: the           *)
(* ValidationResult every node that collects them computes.                 *)
ReachValidationQuorum(i, v) ==
    Weight("Validation", vvotes, i, v) >= Threshold("Validation", i, v)
CanAttest(i, v) ==
    /\ Weight("Ratification", rvotes, i, v) >= Threshold("Ratification", i, v)
    /\ (v # NoQuorum => ReachValidationQuorum(i, v))

FailAttested(i) == \E v \in FailVotes : <<i, v>> \in attestations
\* Relaxed mode: only Fail attestations below RelaxIter are recorded in a block.
FailRecorded(i) == i < RelaxIter /\ FailAttested(i)

Init ==
    /\ proposed = {}
    /\ vvotes = [i \in Iterations |-> [n \in Honest |-> NoVote]]
    /\ rvotes = [i \in Iterations |-> [n \in Honest |-> NoVote]]
    /\ attestations = {}
    /\ iter = [n \in Honest |-> 0]
    /\ step = [n \in Honest |-> "Proposal"]
    /\ decided = [n \in Honest |-> NoBlock]
    /\ finalized = {}

Active(n) == decided[n] = NoBlock

(* Timers. Before GST a timer may fire at any moment; after it, only when   *)
(* waiting cannot complete the step.                                         *)
Members(s, i) == Honest \cap InStep(s, i)
ProposalTimeoutOK(n) == iter[n] < GSTIter \/ Generator[iter[n]] \in Byzantine
ValidationTimeoutOK(n) ==
    LET i == iter[n] IN
    \/ i < GSTIter
    \/ /\ \A m \in Members("Validation", i) : vvotes[i][m] # NoVote
       /\ \A v \in ValidationVotes : ~ReachValidationQuorum(i, v)
RatificationTimeoutOK(n) ==
    LET i == iter[n] IN
    \/ i < GSTIter
    \/ /\ \A m \in Members("Ratification", i) : rvotes[i][m] # NoVote
       /\ \A v \in RatificationVotes : ~CanAttest(i, v)

(* Generators. An honest generator proposes one candidate when it reaches  *)
(* the Proposal step of its iteration, then moves to Validation without    *)
(* voting (it is not in its iteration's committee). A Byzantine generator  *)
(* proposes any candidates at any time.                                     *)
Propose(n, c) ==
    LET i == iter[n] IN
    /\ Active(n) /\ step[n] = "Proposal" /\ n = Generator[i]
    /\ proposed' = proposed \cup {<<i, c>>}
    /\ step' = [step EXCEPT ![n] = "Validation"]
    /\ UNCHANGED <<vvotes, rvotes, attestations, iter, decided, finalized>>

ByzantinePropose(p, i, c) ==
    /\ p \in Byzantine /\ p = Generator[i]
    /\ <<i, c>> \notin proposed
    /\ proposed' = proposed \cup {<<i, c>>}
    /\ UNCHANGED <<vvotes, rvotes, attestations, iter, step, decided, finalized>>

(* Validation: an honest node votes Valid(c) for a candidate of its        *)
(* iteration, or NoCandidate when its Proposal step timed out; a committee *)
(* member casts the vote, any node moves on to Validation.                 *)
CastValidationVote(n, v) ==
    LET i == iter[n] IN
    /\ Active(n) /\ step[n] = "Proposal" /\ n # Generator[i]
    /\ IF v \in Candidates THEN <<i, v>> \in proposed ELSE ProposalTimeoutOK(n)
    /\ vvotes' = IF n \in InStep("Validation", i) THEN [vvotes EXCEPT ![i][n] = v] ELSE vvotes
    /\ step' = [step EXCEPT ![n] = "Validation"]
    /\ UNCHANGED <<proposed, rvotes, attestations, iter, decided, finalized>>

(* Ratification: an honest node votes the Validation result it saw (the   *)
(* quorum it collected), or NoQuorum when its Validation step timed out.   *)
CastRatificationVote(n, v) ==
    LET i == iter[n] IN
    /\ Active(n) /\ step[n] = "Validation"
    /\ IF v = NoQuorum THEN ValidationTimeoutOK(n) ELSE ReachValidationQuorum(i, v)
    /\ rvotes' = IF n \in InStep("Ratification", i) THEN [rvotes EXCEPT ![i][n] = v] ELSE rvotes
    /\ step' = [step EXCEPT ![n] = "Ratification"]
    /\ UNCHANGED <<proposed, vvotes, attestations, iter, decided, finalized>>

(* Both quorums for v (only the Ratification one for NoQuorum) make an       *)
(* attestation: Success(Valid(c)) for a candidate, Fail otherwise.          *)
Attest(i, v) ==
    /\ <<i, v>> \notin attestations
    /\ CanAttest(i, v)
    /\ attestations' = attestations \cup {<<i, v>>}
    /\ UNCHANGED <<proposed, vvotes, rvotes, iter, step, decided, finalized>>

(* A Fail attestation of the node's iteration, or its Ratification timer,  *)
(* moves it to the next iteration. After the last iteration the node stays *)
(* (Open Consensus mode: it only waits for a Success attestation).          *)
NextIteration(n) ==
    LET i == iter[n] IN
    /\ Active(n) /\ i + 1 < MaxIter
    /\ \/ FailAttested(i)
       \/ step[n] = "Ratification" /\ RatificationTimeoutOK(n)
    /\ iter' = [iter EXCEPT ![n] = i + 1]
    /\ step' = [step EXCEPT ![n] = "Proposal"]
    /\ UNCHANGED <<proposed, vvotes, rvotes, attestations, decided, finalized>>

(* A Success attestation of any iteration of the round decides it.          *)
Decide(n, i, c) ==
    /\ Active(n)
    /\ <<i, c>> \in attestations
    /\ decided' = [decided EXCEPT ![n] = <<i, c>>]
    /\ UNCHANGED <<proposed, vvotes, rvotes, attestations, iter, step, finalized>>

(* Candidate c of iteration i is final: attested with PNI 0, every earlier *)
(* iteration having a recorded Fail attestation. Every honest node receives *)
(* every attestation, so one set records what any of them finalized.        *)
Finalize(i, c) ==
    /\ <<i, c>> \notin finalized
    /\ <<i, c>> \in attestations
    /\ \A j \in 0..(i - 1) : FailRecorded(j)
    /\ finalized' = finalized \cup {<<i, c>>}
    /\ UNCHANGED <<proposed, vvotes, rvotes, attestations, iter, step, decided>>

HonestNext(n) ==
    \/ \E c \in Candidates : Propose(n, c)
    \/ \E v \in ValidationVotes : CastValidationVote(n, v)
    \/ \E v \in RatificationVotes : CastRatificationVote(n, v)
    \/ NextIteration(n)
    \/ \E i \in Iterations, c \in Candidates : Decide(n, i, c)

AttestNext == \E i \in Iterations, v \in RatificationVotes : Attest(i, v)

Next ==
    \/ \E n \in Honest : HonestNext(n)
    \/ \E p \in Byzantine, i \in Iterations, c \in Candidates : ByzantinePropose(p, i, c)
    \/ AttestNext
    \/ \E i \in Iterations, c \in Candidates : Finalize(i, c)

Spec == Init /\ [][Next]_vars

FairSpec == Spec /\ (\A n \in Honest : WF_vars(HonestNext(n))) /\ WF_vars(AttestNext)

-----------------------------------------------------------------------------
TypeOK ==
    /\ proposed \subseteq Iterations \X Candidates
    /\ vvotes \in [Iterations -> [Honest -> ValidationVotes \cup {NoVote}]]
    /\ rvotes \in [Iterations -> [Honest -> RatificationVotes \cup {NoVote}]]
    /\ attestations \subseteq Iterations \X RatificationVotes
    /\ iter \in [Honest -> Iterations]
    /\ step \in [Honest -> Steps]
    /\ \A n \in Honest : decided[n] = NoBlock \/ decided[n] \in Iterations \X Candidates
    /\ finalized \subseteq Iterations \X Candidates

(* Rule 2.10: a generator never votes in its own iteration. *)
GeneratorDoesNotVote ==
    \A i \in Iterations : Generator[i] \in Honest =>
        vvotes[i][Generator[i]] = NoVote /\ rvotes[i][Generator[i]] = NoVote

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

(* Liveness: every honest node decides. *)
Termination == <>(\A n \in Honest : decided[n] # NoBlock)
=============================================================================

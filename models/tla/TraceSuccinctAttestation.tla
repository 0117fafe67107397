-------------------- MODULE TraceSuccinctAttestation --------------------
(***************************************************************************)
(* Trace validation, Python -> TLC (spec/consensus.md §14).                *)
(*                                                                         *)
(* `duskspec simulate --trace DIR` writes one module per round that        *)
(* EXTENDS this one and defines TraceLog: the model actions the Python     *)
(* round machines took, in order (duskspec.consensus.abstraction.events_of) *)
(* each with its parameters; the last action of each handler call carries  *)
(* `post`, the abstraction of every machine after that call                *)
(* (abstraction.abstract_state, rules 14.1-14.2). TraceStart is the        *)
(* abstraction after every machine started the round; TraceCredits the     *)
(* credits Python's sortition drew, which replace the model's fixed ones.  *)
(*                                                                         *)
(* The trace is a behaviour of SuccinctAttestation iff TLC reaches a state *)
(* with l = Len(TraceLog) + 1: `duskspec trace-check` checks TraceAccepted *)
(* as an invariant and expects it violated. When no such state exists, the *)
(* depth TLC reports is the index of the first event no behaviour matched; *)
(* an event whose action is enabled but whose post state differs prints    *)
(* the model's post state (TraceMismatch) for the report.                   *)
(***************************************************************************)
EXTENDS SuccinctAttestation, Sequences, TLC, Json

CONSTANTS
    TraceLog,       \* Seq of events [action, n, i, v, c, post]
    TraceStart,     \* the abstract state after every machine started the round
    TraceCredits    \* [step name -> [iteration -> [provisioner -> credits]]]

VARIABLE l          \* index of the next event of TraceLog

\* Rule 14.6: Python's sortition replaces the model's fixed credits.
TraceStepCredits(s, i, p) == TraceCredits[s][i][p]

Event == TraceLog[l]
Has(f) == f \in DOMAIN Event

\* Rules 14.1-14.2: every variable but finalized (outside the abstraction) equals the
\* abstraction of the Python machines.
ModelState(p, vv, rv, a, it, st, d) ==
    [proposed |-> p, vvotes |-> vv, rvotes |-> rv, attestations |-> a, iter |-> it,
     step |-> st, decided |-> d]
Now == ModelState(proposed, vvotes, rvotes, attestations, iter, step, decided)
After == ModelState(proposed', vvotes', rvotes', attestations', iter', step', decided')

MatchPost ==
    IF ~Has("post") THEN TRUE
    ELSE \/ After = Event.post
         \/ /\ PrintT(ToJson([mismatch |-> l, model |-> After]))
            /\ FALSE

TraceInit ==
    /\ Init
    /\ l = 1
    /\ Now = TraceStart

IsEvent(a) == l <= Len(TraceLog) /\ Event.action = a /\ l' = l + 1

(* Each event is the model action it names, with its parameters; a          *)
(* CastValidationVote or CastRatificationVote without v is a non-member's   *)
(* step change, whose vote the abstraction cannot see.                      *)
TraceNext ==
    \/ IsEvent("Propose") /\ Propose(Event.n, Event.c) /\ MatchPost
    \/ /\ IsEvent("CastValidationVote")
       /\ IF Has("v") THEN CastValidationVote(Event.n, Event.v)
          ELSE \E v \in ValidationVotes : CastValidationVote(Event.n, v)
       /\ MatchPost
    \/ /\ IsEvent("CastRatificationVote")
       /\ IF Has("v") THEN CastRatificationVote(Event.n, Event.v)
          ELSE \E v \in RatificationVotes : CastRatificationVote(Event.n, v)
       /\ MatchPost
    \/ IsEvent("Attest") /\ Attest(Event.i, Event.v) /\ MatchPost
    \/ IsEvent("NextIteration") /\ NextIteration(Event.n) /\ MatchPost
    \/ IsEvent("Decide") /\ Decide(Event.n, Event.i, Event.c) /\ MatchPost

TraceSpec == TraceInit /\ [][TraceNext]_<<vars, l>>

\* Violated exactly when the whole trace matched: the expected result.
TraceAccepted == l <= Len(TraceLog)
=============================================================================

----------------------------- MODULE TraceLedger -----------------------------
(***************************************************************************)
(* Trace validation of the runtime, node -> TLC (spec/runtime.md §14).     *)
(*                                                                         *)
(* `duskspec simulate --trace-ledger DIR` (and the node-path tests) write  *)
(* a module TraceLedgerRun that EXTENDS this one and defines TraceLog: the *)
(* Ledger actions the transactions of a node's final chain map to, through *)
(* the abstraction duskspec.runtime.abstraction.abstract, in order, each   *)
(* with its parameters and `post`, the abstraction of the runtime state    *)
(* after it (rule 14.4). A runtime transition the abstraction does not     *)
(* change is a stutter and is not in the log.                              *)
(*                                                                         *)
(* Each event must be the Ledger action it names, with the parameter       *)
(* bounds of Ledger!Next, and lead to exactly its `post`. The trace is a   *)
(* behaviour of Ledger iff TLC reaches l = Len(TraceLog) + 1:              *)
(* `duskspec trace-check` checks TraceAccepted as an invariant and expects *)
(* it violated. Otherwise TLC's depth is the index of the first event no   *)
(* step matched; an enabled action whose post state differs prints the     *)
(* model's post state for the report.                                      *)
(***************************************************************************)
EXTENDS Ledger, Sequences, TLC, Json

CONSTANT TraceLog   \* Seq of events [action, parameters..., post]

VARIABLE l          \* index of the next event of TraceLog

Event == TraceLog[l]

LedgerState(n, p, m, f) == [notes |-> n, published |-> p, minted |-> m, fees |-> f]
After == LedgerState(notes', published', minted', fees')

MatchPost ==
    \/ After = Event.post
    \/ /\ PrintT(ToJson([mismatch |-> l, model |-> After]))
       /\ FALSE

TraceInit == Init /\ l = 1

IsEvent(a) == l <= Len(TraceLog) /\ Event.action = a /\ l' = l + 1

(* Rule 14.6: a Mint with Ledger!Next's bounds on its parameters. *)
MintEvent(e) ==
    /\ e.k \in Keys
    /\ e.v \in 1..MaxValue
    /\ Mint(e.k, e.v)

(* Rule 14.6: a Spend with Ledger!Next's bounds; the second output takes what the  *)
(* first and the fee leave.                                                        *)
SpendEvent(e) ==
    /\ e.k \in Keys
    /\ e.ins \subseteq Positions
    /\ {e.r1, e.r2} \subseteq Keys
    /\ e.fee \in 0..MaxFee
    /\ e.v1 \in 0..(SumValues(e.ins) - e.fee)
    /\ e.v2 = SumValues(e.ins) - e.v1 - e.fee
    /\ Spend(e.k, e.ins, e.r1, e.v1, e.r2, e.v2, e.fee)

TraceNext ==
    \/ IsEvent("Mint") /\ MintEvent(Event) /\ MatchPost
    \/ IsEvent("Spend") /\ SpendEvent(Event) /\ MatchPost

TraceSpec == TraceInit /\ [][TraceNext]_<<vars, l>>

\* Violated exactly when the whole trace matched: the expected result.
TraceAccepted == l <= Len(TraceLog)
=============================================================================

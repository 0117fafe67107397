-------------------------------- MODULE Ledger --------------------------------
(***************************************************************************)
(* The abstract shielded ledger that duskspec's runtime refines            *)
(* (spec/runtime.md §1).                                                    *)
(*                                                                          *)
(* Notes carry a value and an owner key and are appended to a tree; a note  *)
(* is identified by its position. Spending publishes each input's           *)
(* nullifier (here: the position itself, an injective stand-in for          *)
(* Poseidon(note_sk.G', pos)), creates exactly two output notes and pays a  *)
(* fee, all in one atomic step, as a Phoenix transaction does.              *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS
    Keys,             \* owners (stand-ins for Phoenix public keys)
    MaxValue,         \* largest value a mint may create
    MaxNotes,         \* bound on the notes the tree may hold (keeps TLC finite)
    MaxFee,           \* largest fee a spend may pay
    MaxInputs,        \* inputs per spend (Phoenix: 1..4)
    CheckNullifiers   \* TRUE for the protocol; FALSE for the buggy variant

VARIABLES
    notes,            \* Seq([owner : Keys, value : Nat]): the append-only note tree
    published,        \* Seq(Nat): nullifiers in the order they were published
    minted,           \* total value ever minted
    fees              \* total value ever paid as fees

vars == <<notes, published, minted, fees>>

Nullifier(pos) == pos

Positions == 1..Len(notes)

IsPublished(nf) == \E i \in 1..Len(published) : published[i] = nf

Unspent == {p \in Positions : ~IsPublished(Nullifier(p))}

\* Total value of the notes at the positions in S.
RECURSIVE SumValues(_)
SumValues(S) ==
    IF S = {} THEN 0
    ELSE LET p == CHOOSE x \in S : TRUE IN notes[p].value + SumValues(S \ {p})

\* Append the set of positions S to a sequence in increasing order.
RECURSIVE AppendAll(_, _)
AppendAll(seq, S) ==
    IF S = {} THEN seq
    ELSE LET m == CHOOSE x \in S : \A y \in S : x <= y
         IN AppendAll(Append(seq, m), S \ {m})

Init ==
    /\ notes = <<>>
    /\ published = <<>>
    /\ minted = 0
    /\ fees = 0

(* Genesis or a contract mints a new note of value v for key k. *)
Mint(k, v) ==
    /\ Len(notes) < MaxNotes
    /\ notes' = Append(notes, [owner |-> k, value |-> v])
    /\ minted' = minted + v
    /\ UNCHANGED <<published, fees>>

(* Key k spends the input notes `ins`, creating outputs of value v1 for r1   *)
(* and v2 for r2 and paying `fee`. The nullifier check is what the buggy     *)
(* variant forgets.                                                          *)
Spend(k, ins, r1, v1, r2, v2, fee) ==
    /\ ins # {}
    /\ Cardinality(ins) <= MaxInputs
    /\ Len(notes) + 2 <= MaxNotes
    /\ \A p \in ins : notes[p].owner = k
    /\ CheckNullifiers => \A p \in ins : ~IsPublished(Nullifier(p))
    /\ SumValues(ins) = v1 + v2 + fee
    /\ published' = AppendAll(published, {Nullifier(p) : p \in ins})
    /\ notes' = notes \o <<[owner |-> r1, value |-> v1], [owner |-> r2, value |-> v2]>>
    /\ fees' = fees + fee
    /\ UNCHANGED minted

Next ==
    \/ \E k \in Keys, v \in 1..MaxValue : Mint(k, v)
    \/ \E k \in Keys, ins \in SUBSET Positions, r1, r2 \in Keys, fee \in 0..MaxFee :
          \* The second output takes what the first and the fee leave (the balance rule).
          \E v1 \in 0..(SumValues(ins) - fee) :
              Spend(k, ins, r1, v1, r2, SumValues(ins) - v1 - fee, fee)

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
TypeOK ==
    /\ notes \in Seq([owner : Keys, value : Nat])
    /\ published \in Seq(Nat)
    /\ minted \in Nat
    /\ fees \in Nat

(* A nullifier is published at most once. *)
NoDoubleSpend ==
    \A i, j \in 1..Len(published) : i # j => published[i] # published[j]

(* Every unit ever minted is either in an unspent note or was paid as a fee. *)
ValueConserved ==
    minted = SumValues(Unspent) + fees
=============================================================================

------------------------------- MODULE Kadcast -------------------------------
(***************************************************************************)
(* Kadcast broadcast by height delegation (spec/network.md §5).            *)
(*                                                                          *)
(* Every id of IdBits bits is a node and every routing table is complete,  *)
(* so bucket h of node n holds all nodes whose highest bit differing from  *)
(* n is bit h. With beta = 1 a sender picks one delegate per bucket, any   *)
(* one: TLC explores every choice. A node delivers a message the first     *)
(* time it arrives and forwards it to the buckets strictly below the       *)
(* height it arrived with (duskspec.network.kadcast.node.receive_broadcast)*)
(* ; the buggy variant forwards to buckets <= that height.                 *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    IdBits,        \* bits of an id; there are 2^IdBits nodes
    Origin,        \* the node that originates the broadcast
    StrictBelow    \* TRUE: forward to heights < h (Kadcast); FALSE: <= h (the bug)

VARIABLES
    msgs,          \* in-flight BROADCAST packets [from, to, h]
    delivered,     \* delivered[n]: n holds the message
    received,      \* received[n]: packets of the message that reached n
    recvHeight,    \* height n first received it at (IdBits for the origin)
    originated     \* the origin has sent it

vars == <<msgs, delivered, received, recvHeight, originated>>

Nodes == 0..(2^IdBits - 1)
Heights == 0..(IdBits - 1)
Bit(x, i) == (x \div (2^i)) % 2

(* Highest bit where two distinct ids differ: the bucket height. *)
Height(n, m) ==
    CHOOSE h \in Heights :
        /\ Bit(n, h) # Bit(m, h)
        /\ \A j \in Heights : j > h => Bit(n, j) = Bit(m, j)

Bucket(n, h) == {m \in Nodes \ {n} : Height(n, m) = h}

(* Heights a node that received at height h forwards to. *)
ForwardHeights(h) == IF StrictBelow THEN {x \in Heights : x < h} ELSE {x \in Heights : x <= h}

(* One delegate per height in hs, each from that bucket of n. *)
Delegations(n, hs) ==
    { {[from |-> n, to |-> c[x], h |-> x] : x \in hs} :
        c \in {f \in [hs -> Nodes] : \A x \in hs : f[x] \in Bucket(n, x)} }

Init ==
    /\ msgs = {}
    /\ delivered = [n \in Nodes |-> FALSE]
    /\ received = [n \in Nodes |-> 0]
    /\ recvHeight = [n \in Nodes |-> IdBits]
    /\ originated = FALSE

(* duskspec.network.kadcast.node.originate: one delegate per bucket. *)
Originate ==
    /\ ~originated
    /\ originated' = TRUE
    /\ delivered' = [delivered EXCEPT ![Origin] = TRUE]
    /\ \E sends \in Delegations(Origin, Heights) : msgs' = sends
    /\ UNCHANGED <<received, recvHeight>>

(* duskspec.network.kadcast.node.receive_broadcast: deliver once, forward below. *)
ReceiveBroadcast(m) ==
    /\ m \in msgs
    /\ received' = [received EXCEPT ![m.to] = @ + 1]
    /\ IF delivered[m.to]
          THEN /\ msgs' = msgs \ {m}
               /\ UNCHANGED <<delivered, recvHeight>>
          ELSE /\ delivered' = [delivered EXCEPT ![m.to] = TRUE]
               /\ recvHeight' = [recvHeight EXCEPT ![m.to] = m.h]
               /\ \E sends \in Delegations(m.to, ForwardHeights(m.h)) :
                      msgs' = (msgs \ {m}) \cup sends
    /\ UNCHANGED originated

Next == Originate \/ \E m \in msgs : ReceiveBroadcast(m)

Spec == Init /\ [][Next]_vars /\ WF_vars(Next)

-----------------------------------------------------------------------------
Message == [from : Nodes, to : Nodes, h : Heights]

TypeOK ==
    /\ msgs \subseteq Message
    /\ delivered \in [Nodes -> BOOLEAN]
    /\ received \in [Nodes -> Nat]
    /\ recvHeight \in [Nodes -> 0..IdBits]
    /\ originated \in BOOLEAN

(* A message only travels to heights strictly below the one its sender got it at. *)
StrictlyLowerHeights == \A m \in msgs : m.h < recvHeight[m.from]

(* With beta = 1 no node receives the message twice, and the origin never gets it back. *)
NoDuplicateDelivery ==
    \A n \in Nodes : received[n] + (IF n = Origin THEN 1 ELSE 0) <= 1

(* Liveness: every node eventually delivers. *)
AllDelivered == <>(\A n \in Nodes : delivered[n])
=============================================================================

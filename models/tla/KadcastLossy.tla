----------------------------- MODULE KadcastLossy -----------------------------
(***************************************************************************)
(* Kadcast broadcast with redundancy beta, partial routing tables and a    *)
(* loss budget (spec/network.md §5; duskspec.network.kadcast.node).        *)
(*                                                                         *)
(* Every id of IdBits bits is a node. Bucket h of node n holds the nodes   *)
(* whose highest bit differing from n is bit h; the routing table keeps    *)
(* K of them (Table: the K lowest ids of the bucket, all of it when it is  *)
(* smaller), so buckets are full and tables are far from complete. On      *)
(* first receipt at height h (the origin: IdBits) a node delivers and      *)
(* sends to min(beta, |table bucket|) delegates of each bucket below h,    *)
(* any of them: TLC explores every choice. Each such fan-out may lose up   *)
(* to MaxLoss of its packets (the adversary picks which), and, when        *)
(* KeepOne, never all of them.                                            *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    IdBits,        \* bits of an id; there are 2^IdBits nodes
    Origin,        \* the node that originates the broadcast
    Beta,          \* delegates per bucket (redundancy)
    K,             \* bucket capacity of a routing table
    MaxLoss,       \* packets one fan-out (one sender, one bucket) may lose
    KeepOne        \* TRUE: a fan-out never loses all its packets

VARIABLES
    msgs,          \* in-flight BROADCAST packets [to, h]
    delivered,     \* delivered[n]: n holds the message
    originated     \* the origin has sent it

vars == <<msgs, delivered, originated>>

Nodes == 0..(2^IdBits - 1)
Heights == 0..(IdBits - 1)
Bit(x, i) == (x \div (2^i)) % 2

Height(n, m) ==
    CHOOSE h \in Heights :
        /\ Bit(n, h) # Bit(m, h)
        /\ \A j \in Heights : j > h => Bit(n, j) = Bit(m, j)

Bucket(n, h) == {m \in Nodes \ {n} : Height(n, m) = h}

RECURSIVE Lowest(_, _)
Lowest(S, k) ==
    IF k = 0 \/ S = {} THEN {}
    ELSE LET m == CHOOSE x \in S : \A y \in S : x <= y IN {m} \cup Lowest(S \ {m}, k - 1)

Table(n, h) == Lowest(Bucket(n, h), K)
Min(a, b) == IF a < b THEN a ELSE b

(* Packets that survive one fan-out to bucket h of n: a choice of delegates *)
(* minus at most MaxLoss of them.                                           *)
FanOuts(n, h) ==
    { S \in SUBSET Table(n, h) :
        \E D \in SUBSET Table(n, h) :
            /\ Cardinality(D) = Min(Beta, Cardinality(Table(n, h)))
            /\ S \subseteq D
            /\ Cardinality(D \ S) <= MaxLoss
            /\ (KeepOne => S # {}) }

(* One fan-out per height in hs; the surviving packets. *)
RECURSIVE Sends(_, _)
Sends(n, hs) ==
    IF hs = {} THEN {{}}
    ELSE LET x == CHOOSE y \in hs : TRUE IN
         { {[to |-> m, h |-> x] : m \in S} \cup rest :
             S \in FanOuts(n, x), rest \in Sends(n, hs \ {x}) }

Init ==
    /\ msgs = {}
    /\ delivered = [n \in Nodes |-> FALSE]
    /\ originated = FALSE

Originate ==
    /\ ~originated
    /\ originated' = TRUE
    /\ delivered' = [delivered EXCEPT ![Origin] = TRUE]
    /\ \E s \in Sends(Origin, Heights) : msgs' = s

ReceiveBroadcast(m) ==
    /\ m \in msgs
    /\ IF delivered[m.to]
          THEN /\ msgs' = msgs \ {m}
               /\ UNCHANGED delivered
          ELSE /\ delivered' = [delivered EXCEPT ![m.to] = TRUE]
               /\ \E s \in Sends(m.to, {x \in Heights : x < m.h}) : msgs' = (msgs \ {m}) \cup s
    /\ UNCHANGED originated

Next == Originate \/ \E m \in msgs : ReceiveBroadcast(m)

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
TypeOK ==
    /\ msgs \subseteq [to : Nodes, h : Heights]
    /\ delivered \in [Nodes -> BOOLEAN]
    /\ originated \in BOOLEAN

(* Once no packet is in flight, every node holds the message. *)
Coverage == (originated /\ msgs = {}) => \A n \in Nodes : delivered[n]
=============================================================================

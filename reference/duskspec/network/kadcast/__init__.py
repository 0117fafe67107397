"""Kadcast (spec/network.md §1-§6; spec/sources.md §2).

Modules, from the bytes up: :mod:`.params` (the constant table), :mod:`.ids` (node ids and
the nonce proof of work), :mod:`.distance` (XOR distance and bucket heights), :mod:`.wire`
(the five messages), :mod:`.table` (the routing table), :mod:`.broadcast` (height
delegation with beta redundancy), :mod:`.lookup` (bootstrap and bucket refresh) and
:mod:`.node` (one Kadcast peer as a pure machine for :mod:`duskspec.network.sim`).
"""

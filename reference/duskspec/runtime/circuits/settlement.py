"""The settlement circuit: two commitments hide the same amount (spec/vm.md §7).

The settlement escrow (``runtime/vm/contracts/settlement.wat``) releases its funds on a PLONK
proof whose two public inputs are the payer's and the payee's commitments. A commitment to
``amount`` with blinder ``r`` is ``Poseidon(Domain::Other, [amount, r])``; the circuit proves
knowledge of ``amount, r_payer, r_payee`` with

    payer_commitment = Poseidon(amount, r_payer)   (public input 0)
    payee_commitment = Poseidon(amount, r_payee)   (public input 1)

and nothing else, so the amount and both blinders stay hidden. 1,414 rows, a 2^11 domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from duskspec.crypto import poseidon
from duskspec.crypto.plonk import kzg, prover
from duskspec.crypto.plonk.builder import Builder
from duskspec.crypto.plonk.gadgets import poseidon as poseidon_gadget
from duskspec.crypto.plonk.keys import SRS_EXTRA, derive_keys, domain_size


def commitment(amount: int, blinder: int) -> int:
    """``Poseidon(Domain::Other, [amount, blinder])``."""
    return poseidon.hash(poseidon.Domain.OTHER, [amount, blinder])


def settlement_circuit(amount: int, payer_blinder: int, payee_blinder: int) -> Builder:
    """The circuit with this witness; its public inputs are the two commitments."""
    builder = Builder()
    payer = builder.append_public(commitment(amount, payer_blinder))
    payee = builder.append_public(commitment(amount, payee_blinder))
    hidden = builder.append_witness(amount)
    r_payer = builder.append_witness(payer_blinder)
    r_payee = builder.append_witness(payee_blinder)
    domain = poseidon.Domain.OTHER
    builder.assert_equal(poseidon_gadget.hash(builder, domain, [hidden, r_payer]), payer)
    builder.assert_equal(poseidon_gadget.hash(builder, domain, [hidden, r_payee]), payee)
    return builder


@dataclass(frozen=True)
class SettlementProof:
    """A proof and everything the escrow's ``release`` needs with it."""

    verifier_key: bytes
    proof: bytes
    payer_commitment: bytes
    payee_commitment: bytes


#: The example settlement (tests, vectors, benchmarks).
EXAMPLE_AMOUNT = 300
EXAMPLE_BLINDERS = (0x1234, 0x5678)


@cache
def example_proof() -> SettlementProof:
    """A deterministic proof for the example settlement over an INSECURE test SRS (the
    seed reveals τ; tests and vectors only). About 2 s of CPU; computed once per process."""
    builder = settlement_circuit(EXAMPLE_AMOUNT, *EXAMPLE_BLINDERS)
    cs, witness, public = builder.compile()
    srs = kzg.insecure_test_srs(b"settlement example", domain_size(len(cs.gates)) + SRS_EXTRA)
    pk, vk = derive_keys(cs, srs)
    proof = prover.prove(pk, witness, public, seed=b"settlement example proof")
    payer, payee = (value.to_bytes(32, "little") for value in public)
    return SettlementProof(vk.encode(), proof, payer, payee)

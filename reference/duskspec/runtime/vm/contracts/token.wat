;; token: an allow-list token (spec/vm.md §10).
;;
;; The issuer deploys it with the Poseidon root of its allow-list tree (arity 4) and a
;; supply owned by one tag. Money leaves an account only on a PLONK proof, checked by the
;; verify_plonk host query, that the sender knows a secret key sk whose leaf
;; Poseidon(sk) is in the tree and whose tag Poseidon(sk, 1) owns the account; the proof
;; hides which leaf. The circuit is duskspec.runtime.circuits.allowlist; its four public
;; inputs are rebuilt here from the contract's own state and the call's arguments:
;;   0 the root (stored at init)       1 the sending account's tag (stored)
;;   2 the recipient's tag (argument)  3 the message: from u8 ‖ to u8 ‖ amount u64 ‖
;;                                       nonce u64, zero-padded to 32 bytes (LE scalar)
;; The nonce counts accepted transfers, so an accepted proof never verifies again.
;;
;; Memory: 2 pages; page 1 is the argument buffer at A.
;;
;;   0      [32]         the allow-list root
;;   32     u64          the transfer nonce
;;   64     account[64]  48 bytes each: +0 balance u64, +8 owner tag [32] (zero: unowned)
;;   3200   [42]         scratch: the transfer's from, to, amount and recipient tag
;;   4096.. topics, panic messages and host names (data segments below)
;;
;; Arguments (little-endian, spec/vm.md §1.3):
;;   init(root [32], supply u64, tag [32])   account 0 gets the supply, owned by tag
;;   balance(account u8) -> u64
;;   account(account u8) -> balance u64 ‖ tag [32]
;;   root() -> [32]
;;   nonce() -> u64
;;   transfer(from u8, to u8, amount u64, to_tag [32],
;;            verifier_key (u32-prefixed), proof (u32-prefixed))
(module
  (import "env" "hq" (func $hq (param i32 i32 i32) (result i32)))
  (import "env" "emit" (func $emit (param i32 i32 i32)))
  (import "env" "panic" (func $panic (param i32)))
  (memory (export "memory") 2)
  (global $A (export "A") i32 (i32.const 65536))
  (data (i32.const 4096) "transfer")
  (data (i32.const 4128) "no such account")
  (data (i32.const 4160) "insufficient balance")
  (data (i32.const 4192) "recipient tag mismatch")
  (data (i32.const 4224) "invalid proof")
  (data (i32.const 4256) "verify_plonk")

  ;; panic with the message of $len bytes at $at
  (func $fail (param $at i32) (param $len i32)
    global.get $A
    local.get $at
    local.get $len
    memory.copy
    local.get $len
    call $panic)

  ;; the record of account $i (panics unless $i < 64)
  (func $record (param $i i32) (result i32)
    local.get $i
    i32.const 64
    i32.ge_u
    if
      i32.const 4128
      i32.const 15
      call $fail
    end
    local.get $i
    i32.const 48
    i32.mul
    i32.const 64
    i32.add)

  ;; 1 if the 32 bytes at $p are all zero
  (func $is_zero (param $p i32) (result i32)
    local.get $p
    i64.load
    local.get $p
    i64.load offset=8
    i64.or
    local.get $p
    i64.load offset=16
    i64.or
    local.get $p
    i64.load offset=24
    i64.or
    i64.eqz)

  ;; 1 if the 32 bytes at $p equal the 32 bytes at $q
  (func $equal (param $p i32) (param $q i32) (result i32)
    local.get $p
    i64.load
    local.get $q
    i64.load
    i64.xor
    local.get $p
    i64.load offset=8
    local.get $q
    i64.load offset=8
    i64.xor
    i64.or
    local.get $p
    i64.load offset=16
    local.get $q
    i64.load offset=16
    i64.xor
    i64.or
    local.get $p
    i64.load offset=24
    local.get $q
    i64.load offset=24
    i64.xor
    i64.or
    i64.eqz)

  (func (export "init") (param $len i32) (result i32)
    ;; the root
    i32.const 0
    global.get $A
    i32.const 32
    memory.copy
    ;; account 0: the supply and its owner's tag
    i32.const 64
    global.get $A
    i64.load offset=32
    i64.store
    i32.const 72
    global.get $A
    i32.const 40
    i32.add
    i32.const 32
    memory.copy
    i32.const 0)

  (func (export "balance") (param $len i32) (result i32)
    global.get $A
    global.get $A
    i32.load8_u
    call $record
    i64.load
    i64.store
    i32.const 8)

  (func (export "account") (param $len i32) (result i32)
    global.get $A
    global.get $A
    i32.load8_u
    call $record
    i32.const 40
    memory.copy
    i32.const 40)

  (func (export "root") (param $len i32) (result i32)
    global.get $A
    i32.const 0
    i32.const 32
    memory.copy
    i32.const 32)

  (func (export "nonce") (param $len i32) (result i32)
    global.get $A
    i32.const 32
    i64.load
    i64.store
    i32.const 8)

  (func (export "transfer") (param $len i32) (result i32)
    (local $from i32) (local $to i32) (local $amount i64) (local $rest i32) (local $pi i32)
    global.get $A
    i32.load8_u
    call $record
    local.set $from
    global.get $A
    i32.load8_u offset=1
    call $record
    local.set $to
    global.get $A
    i64.load offset=2
    local.set $amount
    ;; T1: the sending account holds the amount
    local.get $from
    i64.load
    local.get $amount
    i64.lt_u
    if
      i32.const 4160
      i32.const 20
      call $fail
    end
    ;; T2: an owned recipient account keeps its owner
    local.get $to
    i32.const 8
    i32.add
    call $is_zero
    i32.eqz
    if
      local.get $to
      i32.const 8
      i32.add
      global.get $A
      i32.const 10
      i32.add
      call $equal
      i32.eqz
      if
        i32.const 4192
        i32.const 22
        call $fail
      end
    end
    ;; the header to scratch, then the key and proof to the buffer's start
    i32.const 3200
    global.get $A
    i32.const 42
    memory.copy
    local.get $len
    i32.const 42
    i32.sub
    local.set $rest
    global.get $A
    global.get $A
    i32.const 42
    i32.add
    local.get $rest
    memory.copy
    ;; T3: the public inputs after them: count 4, root, from tag, to tag, message
    global.get $A
    local.get $rest
    i32.add
    local.tee $pi
    i32.const 4
    i32.store
    local.get $pi
    i32.const 4
    i32.add
    i32.const 0
    i32.const 32
    memory.copy
    local.get $pi
    i32.const 36
    i32.add
    local.get $from
    i32.const 8
    i32.add
    i32.const 32
    memory.copy
    local.get $pi
    i32.const 68
    i32.add
    i32.const 3210
    i32.const 32
    memory.copy
    local.get $pi
    i32.const 100
    i32.add
    i32.const 0
    i32.const 32
    memory.fill
    local.get $pi
    i32.const 100
    i32.add
    i32.const 3200
    i32.const 10
    memory.copy
    local.get $pi
    i32.const 32
    i64.load
    i64.store offset=110
    ;; T4: the proof verifies against them
    i32.const 4256
    i32.const 12
    local.get $rest
    i32.const 132
    i32.add
    call $hq
    drop
    global.get $A
    i32.load8_u
    i32.eqz
    if
      i32.const 4224
      i32.const 13
      call $fail
    end
    ;; T5: move the amount, claim an unowned recipient, count the transfer
    local.get $from
    local.get $from
    i64.load
    local.get $amount
    i64.sub
    i64.store
    local.get $to
    local.get $to
    i64.load
    local.get $amount
    i64.add
    i64.store
    local.get $to
    i32.const 8
    i32.add
    i32.const 3210
    i32.const 32
    memory.copy
    i32.const 32
    i32.const 32
    i64.load
    i64.const 1
    i64.add
    i64.store
    ;; the event: from, to, amount
    global.get $A
    i32.const 3200
    i32.const 10
    memory.copy
    i32.const 4096
    i32.const 8
    i32.const 10
    call $emit
    i32.const 0)
)

//! The floor program's event loop (`../shared/bench/mm1-floor/src/main.rs`), the same
//! statements, as one function exported to wasm: `run(items, servers, gap_ms, service_ms,
//! seed)` returns the mean wait in ms (which the native program prints, to check that both
//! did the same work). Plain exports, no wasm-bindgen: the measuring script instantiates it.
//! Numbers arrive as f64 (JavaScript's numbers), as the native program parses its arguments.
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

fn exp_ns(rng: &mut ChaCha8Rng, mean_ns: f64) -> u64 {
    let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
    (mean_ns * -libm::log(1.0 - u)) as u64
}

/// The floor's `main`, with its arguments as parameters and its mean wait returned.
#[no_mangle]
pub extern "C" fn run(items: f64, servers: f64, gap_ms: f64, service_ms: f64, seed: f64) -> f64 {
    let items = items as u64;
    let servers = servers as usize;
    let gap = gap_ms * 1e6;
    let svc = service_ms * 1e6;
    let mut rng = ChaCha8Rng::seed_from_u64(seed as u64);
    // Event kinds: 0 = arrival, 1 = departure.
    let mut heap: BinaryHeap<Reverse<(u64, u64, u8)>> = BinaryHeap::new();
    let mut seq = 0u64;
    let mut queue: VecDeque<u64> = VecDeque::new();
    let mut idle = servers;
    let (mut arrived, mut served) = (0u64, 0u64);
    let mut wait_sum = 0u128;
    if items > 0 {
        heap.push(Reverse((exp_ns(&mut rng, gap), seq, 0)));
        seq += 1;
    }
    while let Some(Reverse((now, _, kind))) = heap.pop() {
        if kind == 0 {
            arrived += 1;
            if arrived < items {
                heap.push(Reverse((now + exp_ns(&mut rng, gap), seq, 0)));
                seq += 1;
            }
            queue.push_back(now);
        } else {
            idle += 1;
        }
        while idle > 0 {
            let Some(put_at) = queue.pop_front() else { break };
            idle -= 1;
            served += 1;
            wait_sum += u128::from(now - put_at);
            heap.push(Reverse((now + exp_ns(&mut rng, svc), seq, 1)));
            seq += 1;
        }
    }
    wait_sum as f64 / served.max(1) as f64 / 1e6
}

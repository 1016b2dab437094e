#pragma once
// Energy per image, estimated from the cost model: every multiply-accumulate
// and every memory access priced with the 45 nm per-operation energies that
// the compression literature uses (M. Horowitz, "Computing's energy problem",
// ISSCC 2014, as tabulated by Han et al., "Learning both weights and
// connections", 2015):
//
//   operation              energy (pJ)
//   fp32 multiply             3.7
//   fp32 add                  0.9
//   int8 multiply             0.2
//   int8 add                  0.03
//   32-bit SRAM read (8 KB)   5
//   32-bit DRAM read        640
//
// Assumptions (printed with every estimate, see energy_assumptions()):
//  - each MAC is one multiply and one add at the model's precision (int8
//    MACs accumulate in int32 in real kernels; priced as int8 add as in the
//    literature's tables);
//  - weights are read once per image from DRAM (they do not fit on chip),
//    priced per 32-bit word: int8 weights pack four to a word;
//  - activations stay on chip: each node output is written once and read
//    once per consumer from SRAM, each access (writes too) priced as an
//    SRAM read per 32-bit word;
//  - ops without MACs (pooling, activations, adds) are free apart from
//    their memory traffic. Pre/post-processing is not counted.
// It is an estimate of the network's own arithmetic and data movement, for
// comparing variants of one model; it is not a measurement (rapl.h is).
#include <string>

#include "graph/cost_model.h"

namespace whittle {

enum class NumericPrecision { Fp32, Int8 };

struct EnergyPrices {
  double fp32_mult_pj = 3.7, fp32_add_pj = 0.9;
  double int8_mult_pj = 0.2, int8_add_pj = 0.03;
  double sram_read_pj = 5.0;   // per 32-bit word
  double dram_read_pj = 640.0;  // per 32-bit word
};

struct EnergyEstimate {
  double compute_mj = 0;      // MACs
  double weights_mj = 0;      // DRAM reads of the weights
  double activations_mj = 0;  // SRAM traffic of the activations
  double total_mj = 0;
};

EnergyEstimate estimate_energy(const Graph& graph, const GraphCost& cost, NumericPrecision precision,
                               const EnergyPrices& prices = {});

// The assumptions above in a few lines, for reports next to the figures.
std::string energy_assumptions(const EnergyPrices& prices = {});

}  // namespace whittle

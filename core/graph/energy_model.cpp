#include "graph/energy_model.h"

#include <cstdio>

namespace whittle {
namespace {

constexpr double kPicoToMilli = 1e-9;

// Bytes -> 32-bit words, rounding up (a partial word is still a read).
double words(int64_t bytes) { return static_cast<double>((bytes + 3) / 4); }

}  // namespace

EnergyEstimate estimate_energy(const Graph& graph, const GraphCost& cost, NumericPrecision precision,
                               const EnergyPrices& prices) {
  const bool int8 = precision == NumericPrecision::Int8;
  const double mac_pj = int8 ? prices.int8_mult_pj + prices.int8_add_pj : prices.fp32_mult_pj + prices.fp32_add_pj;
  const int64_t bytes_per_activation = int8 ? 1 : 4;

  EnergyEstimate e;
  e.compute_mj = static_cast<double>(cost.macs) * mac_pj * kPicoToMilli;
  e.weights_mj = words(int8 ? cost.weight_bytes_int8 : cost.weight_bytes_fp32) * prices.dram_read_pj * kPicoToMilli;

  // Activation traffic: the graph inputs and every node output, written once
  // (inputs arrive from the preprocessing, so they are only read) and read by
  // each consumer; graph outputs are read once more by the post-processing.
  double activation_words = 0;
  for (const Value& v : graph.values()) {
    int64_t elements = 0;
    if (v.producer < 0) {
      for (const GraphInput& in : graph.inputs)
        if (in.name == v.name) {
          elements = 1;
          for (int64_t d : in.shape) elements *= d;
        }
    } else {
      elements = 1;
      for (int64_t d : cost.nodes[static_cast<size_t>(v.producer)].output_shape) elements *= d;
    }
    const int64_t reads = static_cast<int64_t>(v.consumers.size()) + (v.is_graph_output ? 1 : 0);
    const int64_t writes = v.producer < 0 ? 0 : 1;
    activation_words += words(elements * bytes_per_activation) * static_cast<double>(reads + writes);
  }
  e.activations_mj = activation_words * prices.sram_read_pj * kPicoToMilli;
  e.total_mj = e.compute_mj + e.weights_mj + e.activations_mj;
  return e;
}

std::string energy_assumptions(const EnergyPrices& p) {
  char buf[640];
  std::snprintf(buf, sizeof buf,
                "Estimated energy (45 nm figures, Horowitz ISSCC 2014): MAC = multiply + add "
                "(fp32 %.2f + %.2f pJ, int8 %.2f + %.2f pJ); weights read once per image from DRAM "
                "(%.0f pJ per 32-bit word, int8 packs 4 per word); activations stay in SRAM, written once "
                "and read once per consumer, each access %.0f pJ per 32-bit word; pooling/activation arithmetic "
                "and pre/post-processing not counted. An estimate for comparing variants, not a "
                "measurement.",
                p.fp32_mult_pj, p.fp32_add_pj, p.int8_mult_pj, p.int8_add_pj, p.dram_read_pj, p.sram_read_pj);
  return buf;
}

}  // namespace whittle

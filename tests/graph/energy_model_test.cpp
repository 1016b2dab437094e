#include "graph/energy_model.h"

#include <gtest/gtest.h>

#include "graph/graph_builder.h"

namespace whittle {
namespace {

// input [1, 2, 4, 4] -> 1x1 conv, 3 filters, no bias -> output [1, 3, 4, 4]
Graph tiny_conv() {
  GraphBuilder b;
  auto x = b.input("input", {1, 2, 4, 4});
  ConvOptions o;
  o.bias = false;
  b.output(b.conv("c", x, 3, 1, o));
  return b.build();
}

TEST(EnergyModel, HandComputedFp32) {
  const Graph g = tiny_conv();
  const EnergyEstimate e = estimate_energy(g, compute_cost(g), NumericPrecision::Fp32);
  // 96 MACs x (3.7 + 0.9) pJ
  EXPECT_NEAR(e.compute_mj, 96 * 4.6e-9, 1e-15);
  // 6 fp32 weights = 6 words of DRAM
  EXPECT_NEAR(e.weights_mj, 6 * 640e-9, 1e-15);
  // input 32 words read once; output 48 words written once, read once by the post-processing
  EXPECT_NEAR(e.activations_mj, (32 + 2 * 48) * 5e-9, 1e-15);
  EXPECT_NEAR(e.total_mj, e.compute_mj + e.weights_mj + e.activations_mj, 1e-15);
}

TEST(EnergyModel, HandComputedInt8) {
  const Graph g = tiny_conv();
  const EnergyEstimate e = estimate_energy(g, compute_cost(g), NumericPrecision::Int8);
  EXPECT_NEAR(e.compute_mj, 96 * 0.23e-9, 1e-15);
  // 6 int8 weights + 3 fp32 scales = 18 bytes -> 5 words
  EXPECT_NEAR(e.weights_mj, 5 * 640e-9, 1e-15);
  // input 32 bytes = 8 words read once; output 48 bytes = 12 words, write + read
  EXPECT_NEAR(e.activations_mj, (8 + 2 * 12) * 5e-9, 1e-15);
}

TEST(EnergyModel, Int8CheaperThanFp32AndPricesArePluggable) {
  const Graph g = tiny_conv();
  const GraphCost c = compute_cost(g);
  EXPECT_LT(estimate_energy(g, c, NumericPrecision::Int8).total_mj,
            estimate_energy(g, c, NumericPrecision::Fp32).total_mj);
  EnergyPrices free_dram;
  free_dram.dram_read_pj = 0;
  EXPECT_EQ(estimate_energy(g, c, NumericPrecision::Fp32, free_dram).weights_mj, 0.0);
  EXPECT_NE(energy_assumptions().find("Horowitz"), std::string::npos);
}

}  // namespace
}  // namespace whittle

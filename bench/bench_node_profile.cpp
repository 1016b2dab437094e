// Where a model's inference time goes, node by node: the Runner's whole-run
// median next to the sum of its nodes timed one at a time (the same graph
// the Runner executes: BatchNorm folded, channels-last weights), totals per
// op, and the slowest nodes. The difference between the whole run and the sum
// of the nodes is the Runner's own cost per run (shape checks, value maps).
//
//   bench_node_profile --model M.onnx [--model P.onnx ...] [--runs 200] [--threads 2] [--top 12]
#include <ATen/ATen.h>

#include <iomanip>
#include <map>
#include <memory>

#include "bench_util.h"
#include "io/onnx_import.h"
#include "runtime/inference_conv.h"
#include "runtime/node_ops.h"
#include "runtime/runner.h"

namespace whittle::bench {
namespace {

struct Args {
  std::vector<std::string> models;
  int runs = 200;
  int threads = 2;
  int top = 12;
};

Args parse(int argc, char** argv) {
  Args a;
  ArgReader r(argc, argv, "--model M.onnx [--model M2.onnx ...] [--runs N] [--threads T] [--top K]");
  while (r.next()) {
    if (r.flag() == "--model") a.models.push_back(r.value());
    else if (r.flag() == "--runs") a.runs = r.int_value(1);
    else if (r.flag() == "--threads") a.threads = r.int_value(1);
    else if (r.flag() == "--top") a.top = r.int_value(0);
    else r.reject();
  }
  if (a.models.empty()) r.fail("--model is required");
  return a;
}

double now_ms() {
  return std::chrono::duration<double, std::milli>(Clock::now().time_since_epoch()).count();
}

void profile(const std::string& path, const Args& args) {
  Graph graph = load_onnx(path);
  const at::Tensor x = at::rand(graph.inputs.at(0).shape);
  Runner runner(graph);
  const Graph& g = runner.graph();  // as executed
  at::NoGradGuard no_grad;

  // The whole run: the tuned Runner interleaved with one that keeps every
  // conv on oneDNN.
  RunnerOptions fixed;
  fixed.tune_convs = false;
  Runner onednn_runner(graph, fixed);
  for (int i = 0; i < 10; ++i) {
    runner.run({{g.inputs[0].name, x}});
    onednn_runner.run({{g.inputs[0].name, x}});
  }
  std::vector<double> fixed_ms, tuned_ms;
  for (int i = 0; i < args.runs; ++i) {
    auto t0 = Clock::now();
    onednn_runner.run({{g.inputs[0].name, x}});
    fixed_ms.push_back(ms_since(t0));
    t0 = Clock::now();
    runner.run({{g.inputs[0].name, x}});
    tuned_ms.push_back(ms_since(t0));
  }
  const double run_ms = median(tuned_ms);

  // Node by node, inputs from one reference run kept alive.
  std::vector<std::string> all;
  for (const Node& n : g.nodes) all.push_back(n.output);
  TensorMap values = runner.run({{g.inputs[0].name, x}}, all);
  values[g.inputs[0].name] = x.contiguous(at::MemoryFormat::ChannelsLast);
  for (auto& [name, t] : values)  // the runner hands 4-D values back NCHW
    if (t.dim() == 4) t = t.contiguous(at::MemoryFormat::ChannelsLast);
  // Convs as the Runner runs them (InferenceConv, tuned); the rest by execute_node.
  std::vector<std::unique_ptr<InferenceConv>> convs(g.nodes.size());
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (n.op == Op::Conv2d)
      convs[i] = std::make_unique<InferenceConv>(
          n.weight("weight"), n.has_weight("bias") ? n.weight("bias") : at::Tensor(), n.attrs.get_pair("stride", 1),
          n.attrs.get_pair("padding", 0), n.attrs.get_pair("dilation", 1), n.attrs.get_int("groups", 1));
  }
  std::vector<std::vector<double>> node_ms(g.nodes.size());
  for (int run = 0; run < args.runs; ++run)
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = g.nodes[i];
      std::vector<at::Tensor> in;
      for (const auto& v : n.inputs) in.push_back(values.at(v));
      const double t0 = now_ms();
      at::Tensor y = convs[i] ? convs[i]->run(in[0]) : execute_node(n, in);
      if (run > 0) node_ms[i].push_back(now_ms() - t0);  // run 0 tunes the convs
    }
  std::vector<double> med(g.nodes.size());
  double sum = 0;
  std::map<std::string, std::pair<int, double>> by_op;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    med[i] = median(node_ms[i]);
    sum += med[i];
    auto& [count, ms] = by_op[std::string(op_name(g.nodes[i].op))];
    ++count;
    ms += med[i];
  }
  std::cout << "## " << path << "\n\n"
            << "- nodes " << g.nodes.size() << "; Runner::run median " << std::fixed << std::setprecision(3)
            << run_ms << " ms; sum of node medians " << sum << " ms; difference " << run_ms - sum << " ms\n\n"
            << "| op | nodes | ms | share |\n| --- | ---: | ---: | ---: |\n";
  std::vector<std::pair<double, std::string>> ops;
  for (const auto& [op, v] : by_op) ops.emplace_back(v.second, op);
  std::sort(ops.rbegin(), ops.rend());
  for (const auto& [ms, op] : ops)
    std::cout << "| " << op << " | " << by_op[op].first << " | " << ms << " | " << std::setprecision(1)
              << 100.0 * ms / sum << " % |\n" << std::setprecision(3);
  std::vector<size_t> order(g.nodes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return med[a] > med[b]; });
  std::cout << "\n| slowest nodes | op | output shape | ms |\n| --- | --- | --- | ---: |\n";
  for (int k = 0; k < args.top && k < static_cast<int>(order.size()); ++k) {
    const Node& n = g.nodes[order[k]];
    std::string shape;
    for (int64_t d : values.at(n.output).sizes()) shape += (shape.empty() ? "" : "x") + std::to_string(d);
    std::cout << "| " << n.name << " | " << std::string(op_name(n.op)) << " | " << shape << " | " << med[order[k]] << " |\n";
  }
  std::cout << '\n';

  // Every conv under each kernel that applies (InferenceConv), and the one
  // the Runner's tuning picked.
  std::cout << "Runner with every conv on oneDNN (tune_convs false): " << median(fixed_ms) << " ms; tuned: "
            << run_ms
            << " ms\n\n| conv | in -> out, map | oneDNN us | oneDNN direct us | gemm us | depthwise us | picked |\n"
            << "| --- | --- | ---: | ---: | ---: | ---: | --- |\n";
  double sums[4] = {0, 0, 0, 0}, best_sum = 0, best_sum_before = 0;  // before: without onednn-direct
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (n.op != Op::Conv2d) continue;
    const at::Tensor& in = values.at(n.inputs[0]);
    InferenceConv conv(n.weight("weight"), n.has_weight("bias") ? n.weight("bias") : at::Tensor(),
                       n.attrs.get_pair("stride", 1), n.attrs.get_pair("padding", 0), n.attrs.get_pair("dilation", 1),
                       n.attrs.get_int("groups", 1));
    conv.run(in);
    std::string row = "| " + n.name + " | " + std::to_string(in.size(1)) + " -> " +
                      std::to_string(n.weight("weight").size(0)) + ", " + std::to_string(in.size(2)) + "x" +
                      std::to_string(in.size(3)) + " |";
    const auto kernels = conv.candidates();
    double best = 1e30, best_before = 1e30;
    for (ConvKernel k : {ConvKernel::OneDnn, ConvKernel::OneDnnDirect, ConvKernel::Gemm, ConvKernel::Depthwise}) {
      if (std::find(kernels.begin(), kernels.end(), k) == kernels.end()) {
        row += " |";
        continue;
      }
      std::vector<double> us;
      for (int r = 0; r < args.runs; ++r) {
        const double t0 = now_ms();
        conv.run_with(k, in);
        us.push_back(1000 * (now_ms() - t0));
      }
      const double m = median(us);
      sums[static_cast<int>(k)] += m;
      best = std::min(best, m);
      if (k != ConvKernel::OneDnnDirect) best_before = std::min(best_before, m);
      std::ostringstream cell;
      cell << std::fixed << std::setprecision(1) << m;
      row += " " + cell.str() + " |";
    }
    best_sum += best;
    best_sum_before += best_before;
    std::cout << row << " " << conv_kernel_name(conv.chosen(in)) << " |\n";
  }
  std::cout << "\nsum of the fastest kernel per conv " << best_sum / 1000 << " ms (without onednn-direct " << best_sum_before / 1000
            << " ms); of oneDNN " << sums[0] / 1000
            << " ms; of oneDNN direct " << sums[1] / 1000 << " ms\n\n";
}

}  // namespace
}  // namespace whittle::bench

int main(int argc, char** argv) {
  using namespace whittle::bench;
  whittle::configure_process(argv);
  const Args args = parse(argc, argv);
  set_all_threads(args.threads);
  at::manual_seed(1);
  std::cout << "# Node profile\n\n- " << now_string() << "; " << cpu_model() << ", " << args.threads
            << " threads, " << args.runs << " runs\n\n";
  for (const auto& m : args.models) profile(m, args);
}

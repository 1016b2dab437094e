#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/data_command.h"
#include "cli/format.h"
#include "data/synth.h"
#include "jobs/progress.h"
#include "runtime/threading.h"

namespace whittle::cli {
namespace {

struct SynthCommandOptions {
  SynthOptions synth;
  std::string split = "train=0.7,val=0.1,test=0.2";
  std::vector<double> sides;  // --sides MIN,MAX (empty: SynthOptions' default)
};

// "123/3000 images" on one rewritten stderr line, when stderr is a terminal.
class TerminalProgress : public Progress {
 public:
  TerminalProgress() : enabled_(::isatty(STDERR_FILENO)) { set_interval(std::chrono::milliseconds(200)); }
  ~TerminalProgress() override {
    if (enabled_ && shown_) std::cerr << "\r\033[K" << std::flush;
  }

 protected:
  void on_progress(double, const std::string& message) override {
    if (!enabled_) return;
    std::cerr << "\r\033[Ksynth: " << message << std::flush;
    shown_ = true;
  }

 private:
  bool enabled_;
  bool shown_ = false;
};

void print_report(const SynthReport& r, const SynthOptions& o, double seconds, int threads) {
  std::cout << "wrote " << with_commas(r.images) << " images (" << o.size << "x" << o.size << "), "
            << with_commas(r.objects) << " objects (" << with_commas(r.difficult) << " difficult, "
            << with_commas(r.truncated) << " truncated) in " << fixed(seconds, 2) << " s ("
            << fixed(r.images / std::max(seconds, 1e-9), 1) << " images/s, " << threads
            << " threads); object sides " << fixed(o.min_side, 2) << "-" << fixed(o.max_side, 2)
            << " of the image\n";
  std::cout << "sets:";
  for (const auto& [name, count] : r.sets) std::cout << "  " << name << ' ' << with_commas(count);
  std::cout << "\n\n";
  Table table({"class", "shape", "colour", "texture", "objects", "difficult"},
              {false, false, false, false, true, true});
  std::vector<SynthClass> classes = synth_classes(o.classes);
  for (size_t i = 0; i < classes.size(); ++i)
    table.add({classes[i].name, synth_shape_name(classes[i].shape), classes[i].colour,
               synth_texture_name(classes[i].texture), with_commas(r.objects_per_class[i]),
               with_commas(r.difficult_per_class[i])});
  std::cout << table.render() << '\n';
  std::cout << "data set: " << r.root << "  (VOCdevkit: " << r.devkit << ")\n";
}

}  // namespace

void add_data_synth_command(CLI::App& data) {
  auto options = std::make_shared<SynthCommandOptions>();
  SynthOptions& s = options->synth;
  CLI::App* cmd = data.add_subcommand(
      "synth", "write a synthetic VOC-format data set (textured shapes in clutter)");
  cmd->add_option("--out", s.out, "output folder (gets VOCdevkit/VOC2007)")->required();
  cmd->add_option("--images", s.images, "number of images")->required()->check(CLI::PositiveNumber);
  cmd->add_option("--classes", s.classes, "number of classes (<= 20: VOC's names)")
      ->capture_default_str()
      ->check(CLI::Range(1, 540));
  cmd->add_option("--size", s.size, "image side in pixels (square images)")
      ->capture_default_str()
      ->check(CLI::Range(32, 8192));
  cmd->add_option("--sides", options->sides,
                  "object side range MIN,MAX as fractions of the image side (log-uniform; "
                  "default 0.04,0.5: tiny to half the image)")
      ->delimiter(',')
      ->expected(2);
  cmd->add_option("--seed", s.seed, "random seed (same seed, same bytes)")->capture_default_str();
  cmd->add_option("--split", options->split, "set=fraction,... (fractions sum to 1)")
      ->capture_default_str();
  cmd->add_option("--threads", s.threads, "generator threads (default: --threads of whittle-cli)");
  cmd->callback([options] {
    SynthOptions o = options->synth;
    o.split = parse_split_fractions(options->split);
    if (!options->sides.empty()) {
      o.min_side = options->sides[0];
      o.max_side = options->sides[1];
    }
    if (o.threads <= 0) o.threads = current_threads();
    TerminalProgress progress;
    auto start = std::chrono::steady_clock::now();
    SynthReport report = synthesize_voc(o, progress);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    print_report(report, o, seconds, o.threads);
  });
}

}  // namespace whittle::cli

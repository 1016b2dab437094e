#include "train/checkpoint.h"

#include <ATen/ATen.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>

#include "graph/error.h"
#include "io/atomic_file.h"

namespace whittle {
namespace {

using json = nlohmann::json;

constexpr char kMagic[8] = {'W', 'H', 'T', 'T', 'R', 'N', '0', '1'};
constexpr int kVersion = 1;

// NaN is not JSON: written as null.
json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
double number(const json& j) {
  return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint64_t get_u64(const std::string& in, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  return v;
}

}  // namespace

std::string train_state_path(const std::string& model_path) { return model_path + ".train"; }

std::string train_state_to_bytes(const TrainState& s) {
  json header;
  header["version"] = kVersion;
  header["epochs_done"] = s.epochs_done;
  header["global_step"] = s.global_step;
  header["seed"] = s.seed;
  header["best_map"] = number(s.best_map);
  header["best_epoch"] = s.best_epoch;
  header["model_size"] = s.model_size;
  header["model_hash"] = s.model_hash;
  json curve = json::array();
  for (const auto& e : s.curve) {
    json parts = json::object();
    for (const auto& [k, v] : e.loss_parts) parts[k] = number(v);
    curve.push_back({{"epoch", e.epoch}, {"steps", e.steps}, {"loss", number(e.loss)},
                     {"loss_parts", parts}, {"lr", e.lr}, {"val_map", number(e.val_map)},
                     {"seconds", e.seconds}});
  }
  header["curve"] = curve;

  std::string blob;
  json tensors = json::array();
  for (const auto& [name, tensor] : s.optimizer.buffers) {
    at::Tensor t = tensor.to(at::kCPU, at::kFloat).contiguous();
    const size_t bytes = static_cast<size_t>(t.numel()) * sizeof(float);
    tensors.push_back({{"name", name}, {"shape", t.sizes().vec()}, {"offset", blob.size()},
                       {"bytes", bytes}});
    if (bytes > 0) blob.append(static_cast<const char*>(t.data_ptr()), bytes);
  }
  header["optimizer"] = {{"kind", s.optimizer.kind}, {"steps", s.optimizer.steps},
                         {"tensors", tensors}};

  const std::string text = header.dump();
  std::string out(kMagic, sizeof(kMagic));
  put_u64(out, text.size());
  out += text;
  out += blob;
  return out;
}

TrainState train_state_from_bytes(const std::string& bytes, const std::string& origin) {
  if (bytes.size() < 16 || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0)
    throw Error(origin + ": not a Whittle training state file (bad magic)");
  const uint64_t header_size = get_u64(bytes, 8);
  if (header_size > bytes.size() - 16) throw Error(origin + ": truncated (header)");
  json h;
  try {
    h = json::parse(bytes.substr(16, header_size));
  } catch (const std::exception& e) {
    throw Error(origin + ": bad header: " + e.what());
  }
  const size_t blob_at = 16 + header_size;
  const size_t blob_size = bytes.size() - blob_at;
  TrainState s;
  try {
    if (h.at("version").get<int>() != kVersion)
      throw Error(origin + ": unsupported version " + h.at("version").dump());
    s.epochs_done = h.at("epochs_done").get<int>();
    s.global_step = h.at("global_step").get<int64_t>();
    s.seed = h.at("seed").get<uint64_t>();
    s.best_map = number(h.at("best_map"));
    s.best_epoch = h.at("best_epoch").get<int>();
    s.model_size = h.at("model_size").get<uint64_t>();
    s.model_hash = h.at("model_hash").get<uint64_t>();
    for (const auto& e : h.at("curve")) {
      EpochRecord r;
      r.epoch = e.at("epoch").get<int>();
      r.steps = e.at("steps").get<int64_t>();
      r.loss = number(e.at("loss"));
      for (const auto& [k, v] : e.at("loss_parts").items()) r.loss_parts[k] = number(v);
      r.lr = e.at("lr").get<double>();
      r.val_map = number(e.at("val_map"));
      r.seconds = e.at("seconds").get<double>();
      s.curve.push_back(r);
    }
    const json& opt = h.at("optimizer");
    s.optimizer.kind = opt.at("kind").get<std::string>();
    s.optimizer.steps = opt.at("steps").get<std::map<std::string, int64_t>>();
    for (const auto& t : opt.at("tensors")) {
      const std::string name = t.at("name").get<std::string>();
      const auto shape = t.at("shape").get<std::vector<int64_t>>();
      const uint64_t offset = t.at("offset").get<uint64_t>();
      const uint64_t size = t.at("bytes").get<uint64_t>();
      int64_t numel = 1;
      for (int64_t d : shape) {
        if (d < 0) throw Error(origin + ": tensor '" + name + "' has a negative dimension");
        numel *= d;
      }
      if (size != static_cast<uint64_t>(numel) * sizeof(float))
        throw Error(origin + ": tensor '" + name + "' size does not match its shape");
      if (offset > blob_size || size > blob_size - offset)
        throw Error(origin + ": truncated (tensor '" + name + "')");
      at::Tensor tensor = at::empty(shape, at::kFloat);
      if (size > 0) std::memcpy(tensor.data_ptr(), bytes.data() + blob_at + offset, size);
      s.optimizer.buffers[name] = tensor;
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(origin + ": bad header: " + e.what());
  }
  return s;
}

void save_train_state(const TrainState& state, const std::string& path) {
  write_file_atomic(path, train_state_to_bytes(state));
}

TrainState load_train_state(const std::string& path) {
  return train_state_from_bytes(read_file(path), path);
}

}  // namespace whittle

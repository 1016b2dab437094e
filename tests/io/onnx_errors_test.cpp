// Bad model files: every one throws whittle::Error naming the file (and the
// node where there is one); nothing aborts or crashes. Failed saves leave the
// old file intact.
#include <gtest/gtest.h>

#include <random>

#include "graph/error.h"
#include "io/onnx_export.h"
#include "io/onnx_import.h"
#include "io/onnx_test_graphs.h"

namespace whittle {
namespace {

// The message of the whittle::Error `f` throws; a test failure otherwise.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw a non-whittle exception: " << e.what();
    return "";
  }
  ADD_FAILURE() << "did not throw";
  return "";
}

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << "'" << (text) << "' lacks '" << (part) << "'"

// conv1 (3 -> 8) -> relu -> conv2 (8 -> 4)
Graph small_graph() {
  GraphBuilder b(2345);
  auto x = b.input("input", {1, 3, 8, 8});
  auto y = b.relu("relu", b.conv("conv1", x, 8, 3, {1, 1, 1, 1, true}));
  b.output(b.conv("conv2", y, 4, 3, {1, 1, 1, 1, true}));
  return b.build();
}

onnx::ModelProto small_model() {
  onnx::ModelProto m;
  EXPECT_TRUE(m.ParseFromString(to_onnx_bytes(small_graph())));
  return m;
}

onnx::TensorProto* initializer(onnx::ModelProto& m, const std::string& name) {
  for (auto& t : *m.mutable_graph()->mutable_initializer())
    if (t.name() == name) return &t;
  ADD_FAILURE() << "no initializer " << name;
  return m.mutable_graph()->add_initializer();
}

// Writes the model to `file` in `dir` and returns the load error.
std::string load_error(const test::TempDir& dir, const std::string& file, const std::string& bytes) {
  std::string path = dir.file(file);
  test::write_bytes(path, bytes);
  return error_of([&] { load_onnx(path); });
}

TEST(OnnxErrors, EmptyFile) {
  test::TempDir dir("empty");
  std::string msg = load_error(dir, "empty.onnx", "");
  EXPECT_CONTAINS(msg, dir.file("empty.onnx") + ": file is empty");
}

TEST(OnnxErrors, TruncatedFile) {
  test::TempDir dir("truncated");
  std::string bytes = to_onnx_bytes(small_graph());
  std::string msg = load_error(dir, "half.onnx", bytes.substr(0, bytes.size() / 2));
  EXPECT_CONTAINS(msg, dir.file("half.onnx") + ": ");
  EXPECT_CONTAINS(msg, "not an ONNX model");
}

TEST(OnnxErrors, RandomBytes) {
  test::TempDir dir("random");
  std::mt19937 rng(2345);
  std::string bytes(4096, '\0');
  for (auto& c : bytes) c = static_cast<char>(rng());
  std::string msg = load_error(dir, "noise.onnx", bytes);
  EXPECT_CONTAINS(msg, dir.file("noise.onnx") + ": not an ONNX model");
}

TEST(OnnxErrors, MissingFile) {
  test::TempDir dir("missing");
  std::string path = dir.file("nowhere.onnx");
  EXPECT_CONTAINS(error_of([&] { load_onnx(path); }), path);
  EXPECT_CONTAINS(error_of([&] { load_onnx(dir.path().string()); }), "not a regular file");
}

TEST(OnnxErrors, UnknownOpNamesFileAndNode) {
  test::TempDir dir("unknown");
  onnx::ModelProto m = test::empty_model(13);
  auto* g = m.mutable_graph();
  test::add_io(g->add_input(), "x", {1, 3, 4, 4});
  test::add_onnx_node(g, "Relu", "node_1", {"x"}, "a");
  test::add_onnx_node(g, "Foo", "node_3", {"a"}, "b");
  test::add_io(g->add_output(), "b", {1, 3, 4, 4});
  std::string msg = load_error(dir, "foo.onnx", m.SerializeAsString());
  EXPECT_CONTAINS(msg, dir.file("foo.onnx") + ": (Foo node_3) unsupported ONNX op 'Foo'");
}

TEST(OnnxErrors, InitializerWithWrongByteSize) {
  test::TempDir dir("bytes");
  onnx::ModelProto m = small_model();
  auto* w = initializer(m, "conv1.weight");
  w->set_raw_data(w->raw_data().substr(0, 100));
  std::string msg = load_error(dir, "short.onnx", m.SerializeAsString());
  EXPECT_CONTAINS(msg, dir.file("short.onnx") +
                           ": (Conv conv1) initializer 'conv1.weight' has 100 bytes, expected 864 for [8,3,3,3]");
}

TEST(OnnxErrors, NonFloatInitializer) {
  test::TempDir dir("dtype");
  onnx::ModelProto m = small_model();
  initializer(m, "conv2.bias")->set_data_type(onnx::TensorProto::INT32);
  std::string msg = load_error(dir, "int.onnx", m.SerializeAsString());
  EXPECT_CONTAINS(msg, dir.file("int.onnx") + ": (Conv conv2) initializer 'conv2.bias' has type INT32, expected FLOAT");
}

TEST(OnnxErrors, ConvInChannelsDisagreeWithProducer) {
  test::TempDir dir("channels");
  onnx::ModelProto m = small_model();
  auto* w = initializer(m, "conv2.weight");  // [4,8,3,3] -> [4,4,3,3]
  w->set_dims(1, 4);
  w->set_raw_data(w->raw_data().substr(0, w->raw_data().size() / 2));
  std::string msg = load_error(dir, "channels.onnx", m.SerializeAsString());
  EXPECT_CONTAINS(msg, dir.file("channels.onnx") + ": (Conv conv2) in_channels 4 != producer channels 8");
}

TEST(OnnxErrors, AsymmetricPads) {
  test::TempDir dir("pads");
  onnx::ModelProto m = small_model();
  for (auto& n : *m.mutable_graph()->mutable_node())
    for (auto& a : *n.mutable_attribute())
      if (n.name() == "conv2" && a.name() == "pads") a.set_ints(2, 0);
  std::string msg = load_error(dir, "pads.onnx", m.SerializeAsString());
  EXPECT_CONTAINS(msg, dir.file("pads.onnx") + ": (Conv conv2) asymmetric pads [1,1,0,1]");
}

TEST(OnnxErrors, UnsupportedVariantsNameTheNode) {
  struct Edit {
    std::string expect;
    std::function<void(onnx::GraphProto*)> apply;
  };
  std::vector<Edit> edits = {
      {"(Relu relu) input 'conv1.weight' is a constant",
       [](onnx::GraphProto* g) { g->mutable_node(1)->set_input(0, "conv1.weight"); }},
      {"(Relu relu) input 'ghost' is not produced before this node",
       [](onnx::GraphProto* g) { g->mutable_node(1)->set_input(0, "ghost"); }},
      {"(Conv conv2) input 'relu' must be an initializer",
       [](onnx::GraphProto* g) { g->mutable_node(2)->set_input(1, "relu"); }},
      {"(Conv conv1) auto_pad 'SAME_UPPER' is not supported",
       [](onnx::GraphProto* g) {
         auto* a = g->mutable_node(0)->add_attribute();
         a->set_name("auto_pad");
         a->set_type(onnx::AttributeProto::STRING);
         a->set_s("SAME_UPPER");
       }},
      {"(Conv conv1) attribute 'group' has type FLOAT, expected INT",
       [](onnx::GraphProto* g) {
         for (auto& a : *g->mutable_node(0)->mutable_attribute())
           if (a.name() == "group") a.set_type(onnx::AttributeProto::FLOAT);
       }},
      {"graph output 'nothing' is not produced by any node",
       [](onnx::GraphProto* g) { g->mutable_output(0)->set_name("nothing"); }},
  };
  for (const auto& e : edits) {
    SCOPED_TRACE(e.expect);
    onnx::ModelProto m = small_model();
    e.apply(m.mutable_graph());
    std::string msg = error_of([&] { from_onnx_bytes(m.SerializeAsString(), "edited.onnx"); });
    EXPECT_CONTAINS(msg, "edited.onnx: " + e.expect);
  }
}

// Corrupt every way a file can be corrupt; each load either succeeds or
// throws whittle::Error naming the file. A crash fails the whole test binary.
TEST(OnnxErrors, CorruptedModelsNeverCrash) {
  auto cases = test::onnx_cases();
  std::string base = to_onnx_bytes(cases.back().graph);
  std::mt19937 rng(2345);
  int loaded = 0, rejected = 0;
  for (int trial = 0; trial < 400; ++trial) {
    std::string bytes = base;
    switch (trial % 4) {
      case 0: bytes.resize(rng() % bytes.size()); break;
      case 1:
        for (int k = 0; k < 1 + trial % 7; ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng());
        break;
      case 2: bytes.erase(rng() % bytes.size(), 1 + rng() % 16); break;
      default: bytes.insert(rng() % bytes.size(), std::string(1 + rng() % 8, static_cast<char>(rng())));
    }
    try {
      from_onnx_bytes(bytes, "fuzz.onnx");
      ++loaded;
    } catch (const Error& e) {
      ++rejected;
      EXPECT_EQ(std::string(e.what()).rfind("fuzz.onnx: ", 0), 0u) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "trial " << trial << " threw a non-whittle exception: " << e.what();
    }
  }
  EXPECT_GT(rejected, 100);
  EXPECT_EQ(loaded + rejected, 400);
}

TEST(OnnxSave, FailedSaveLeavesOldFileIntact) {
  test::TempDir dir("atomic");
  std::string path = dir.file("model.onnx");
  save_onnx(small_graph(), path);
  std::string before = test::read_bytes(path);
  ASSERT_FALSE(before.empty());

  Graph bad = small_graph();
  bad.nodes[1].inputs = {"missing"};  // fails validation during export
  std::string msg = error_of([&] { save_onnx(bad, path); });
  EXPECT_CONTAINS(msg, path);
  EXPECT_CONTAINS(msg, "(ReLU relu)");
  EXPECT_EQ(test::read_bytes(path), before);
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) (void)entry, ++files;
  EXPECT_EQ(files, 1u) << "a temporary file was left behind";
  EXPECT_NO_THROW(load_onnx(path));
}

TEST(OnnxSave, UnwritableFolderNamesTheFile) {
  test::TempDir dir("unwritable");
  std::string path = dir.file("no/such/folder/model.onnx");
  EXPECT_CONTAINS(error_of([&] { save_onnx(small_graph(), path); }), path);
}

}  // namespace
}  // namespace whittle

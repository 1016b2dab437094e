#!/usr/bin/python3
"""PyTorch eager reference for bench_ssd (issue 4).

The four SSD detectors of bench/bench_ssd.cpp, built from torchvision's SSD
modules (torchvision.models.detection.SSD, SSDHead, SSDLiteHead,
DefaultBoxGenerator, MobileNetV2 features) with exactly Whittle's
architecture (20 classes + background); the script checks each model's
parameter count against Whittle's and stops when one differs.

Measures, like bench_ssd:
  - batch-1 inference, ms per image, in eval mode under torch.no_grad():
    raw outputs (model.backbone + model.head), the same plus
    model.postprocess_detections (softmax, box decoding, per-class top-k,
    batched NMS; anchors computed once outside the timing, as Whittle's
    priors are), and postprocess_detections alone; the two are interleaved
    round-robin per iteration;
  - training throughput, images/s at batch 16: model.train(),
    model(images, targets) (transform, backbone, head, anchors, matching,
    MultiBox loss) + backward + SGD (momentum 0.9) step, on random images in
    [0, 1] of the model's size S (the transform's fixed size is S x S, so it
    does not change them) with 1-6 random boxes each.

How to run (Debian's python3-torch and python3-torchvision; pyenv's python3
on PATH has no torch, hence /usr/bin/python3):

    /usr/bin/python3 bench/pytorch_ssd_reference.py --tsv pytorch_ssd.tsv > pytorch_ssd.md
    build-bench/bench/bench_ssd --reference pytorch_ssd.tsv > bench_ssd.md

bench_ssd then adds the PyTorch rows and the issue's goals to its report.
Options mirror bench_ssd's: --models a,b (ssd300_vgg16, ssd_mobilenet_v1,
ssdlite_mobilenet_v2, ssdlite_mobilenet_v2_small), --threads 1,2, --runs N,
--warmup N, --train-threads 2, --train-batch 16, --train-steps N,
--no-train, --no-infer, --quick (warm-up 1, 2 runs, 1 training step),
--params (print parameter counts and exit).

Process settings as Whittle's configure_process: OMP_WAIT_POLICY=PASSIVE
unless set (before torch is imported, when libgomp reads it) and glibc's
mallopt thresholds; threads are set in PyTorch and in OpenBLAS alike.
"""

import argparse
import ctypes
import datetime
import os
import statistics
import sys
import time
from collections import OrderedDict

WAIT_POLICY_SET_HERE = "OMP_WAIT_POLICY" not in os.environ
if WAIT_POLICY_SET_HERE:
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"  # read by libgomp when torch loads it

import torch  # noqa: E402
import torchvision  # noqa: E402
from functools import partial  # noqa: E402
from torch import nn  # noqa: E402
from torchvision.models._utils import _make_divisible  # noqa: E402
from torchvision.models.detection.anchor_utils import DefaultBoxGenerator  # noqa: E402
from torchvision.models.detection.image_list import ImageList  # noqa: E402
from torchvision.models.detection.ssd import SSD, SSDHead  # noqa: E402
from torchvision.models.detection.ssdlite import SSDLiteHead, _extra_block, _normal_init  # noqa: E402
from torchvision.ops.misc import Conv2dNormActivation  # noqa: E402

NUM_CLASSES = 21  # 20 VOC classes + background, as Whittle's heads

# Whittle's parameter counts (bench_ssd --params). SSD300-VGG16 is
# torchvision's own ssd300_vgg16.
EXPECTED_PARAMS = {
    "ssd300_vgg16": 26285486,
    "ssd_mobilenet_v1": 9468996,
    "ssdlite_mobilenet_v2": 3399108,
    "ssdlite_mobilenet_v2_small": 1322618,
}

# key: (report label as bench_ssd's, input size, default runs, default training steps)
MODELS = OrderedDict(
    [
        ("ssd300_vgg16", ("SSD300-VGG16 (300)", 300, 10, 3)),
        ("ssd_mobilenet_v1", ("MobileNetV1-SSD w1 (300)", 300, 30, 5)),
        ("ssdlite_mobilenet_v2", ("MobileNetV2-SSDLite w1 (320)", 320, 30, 5)),
        (
            "ssdlite_mobilenet_v2_small",
            ("MobileNetV2-SSDLite w0.5 (192, stride 8, scales 0.05-0.6)", 192, 50, 10),
        ),
    ]
)

# Whittle's NmsOptions defaults: score > 0.01, IoU 0.45, top 200 per class, 200 per image.
NMS = dict(score_thresh=0.01, nms_thresh=0.45, topk_candidates=200, detections_per_img=200)


# ------------------------------------------------------------------ models ----
class FeatureMaps(nn.Module):
    """Backbone stages (self.features) then extra blocks (self.extra): each
    one's output is a feature map, keyed "0", "1", ... as SSD expects."""

    def forward(self, x):
        out = []
        for block in self.features:
            x = block(x)
            out.append(x)
        for block in self.extra:
            x = block(x)
            out.append(x)
        return OrderedDict((str(i), v) for i, v in enumerate(out))


class MobileNetV1SSDFeatures(FeatureMaps):
    """Whittle's ssd_mobilenet_v1 backbone + extras (core/models/mobilenet_v1.cpp,
    core/models/ssd/ssd_mobilenet.cpp): MobileNetV1 features (3x3 s2 conv-BN-ReLU,
    13 depthwise-separable blocks, conv without bias + BN + ReLU each), maps from
    block 11 (stride 16) and block 13 (stride 32), then four extras of
    1x1 conv (bias) + ReLU, 3x3 s2 p1 conv (bias) + ReLU (mb1-ssd)."""

    BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1),
              (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]
    EXTRAS = [(256, 512), (128, 256), (128, 256), (128, 256)]

    def __init__(self, width=1.0):
        super().__init__()
        layers = []
        c = _make_divisible(32 * width, 8)
        layers.append(Conv2dNormActivation(3, c, 3, stride=2, activation_layer=nn.ReLU))
        for out, stride in self.BLOCKS:
            o = _make_divisible(out * width, 8)
            layers.append(
                nn.Sequential(
                    Conv2dNormActivation(c, c, 3, stride=stride, groups=c, activation_layer=nn.ReLU),
                    Conv2dNormActivation(c, o, 1, activation_layer=nn.ReLU),
                )
            )
            c = o
        # maps after block 11 (index 11 of layers: layer 0 is the stem) and block 13
        self.features = nn.Sequential(nn.Sequential(*layers[:12]), nn.Sequential(*layers[12:]))
        c11 = _make_divisible(512 * width, 8)
        depth = lambda d: max(16, int(d * width))  # noqa: E731
        extras = []
        for reduce, out in self.EXTRAS:
            r, o = depth(reduce), depth(out)
            extras.append(
                nn.Sequential(
                    nn.Conv2d(c, r, 1), nn.ReLU(inplace=True),
                    nn.Conv2d(r, o, 3, stride=2, padding=1), nn.ReLU(inplace=True),
                )
            )
            c = o
        self.extra = nn.ModuleList(extras)
        for m in self.extra.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.xavier_uniform_(m.weight)
                nn.init.constant_(m.bias, 0.0)
        self.out_channels = [c11, _make_divisible(1024 * width, 8)] + [depth(o) for _, o in self.EXTRAS]


class MobileNetV2SSDLiteFeatures(FeatureMaps):
    """Whittle's ssdlite_mobilenet_v2 backbone + extras: torchvision's
    mobilenet_v2(width_mult).features split as torchvision's
    SSDLiteFeatureExtractorMobileNet splits MobileNetV3 (maps at the expansion
    of block 14, stride 16, and at the last 1x1 conv, stride 32; with
    first_stride 8 also at the expansion of block 7), then torchvision's four
    SSDLite extra blocks of max(16, int(d * width)) channels."""

    def __init__(self, width, first_stride, norm_layer):
        super().__init__()
        f = torchvision.models.mobilenet_v2(width_mult=width, norm_layer=norm_layer).features
        cuts = [7, 14] if first_stride == 8 else [14]
        stages, start, head = [], 0, []
        for c in cuts:
            if f[c].use_res_connect:
                raise ValueError(f"block {c} has a residual connection")
            # from the previous cut's depthwise conv to block c's expansion
            stages.append(nn.Sequential(*head, *f[start:c], f[c].conv[0]))
            head, start = [f[c].conv[1:]], c + 1
        stages.append(nn.Sequential(*head, *f[start:]))
        self.features = nn.Sequential(*stages)
        depth = lambda d: max(16, int(d * width))  # noqa: E731
        last = f[-1].out_channels
        self.extra = nn.ModuleList(
            [
                _extra_block(last, depth(512), norm_layer),
                _extra_block(depth(512), depth(256), norm_layer),
                _extra_block(depth(256), depth(256), norm_layer),
                _extra_block(depth(256), depth(128), norm_layer),
            ]
        )
        _normal_init(self.extra)
        self.out_channels = [f[c].conv[0].out_channels for c in cuts] + [last] + [
            depth(d) for d in (512, 256, 256, 128)
        ]


def linear_scales(maps, lo, hi):
    # Whittle's linear_ssd_scales / torchvision's DefaultBoxGenerator: linear, then 1.0
    return [lo + (hi - lo) * k / (maps - 1) for k in range(maps)] + [1.0]


def build(key):
    """The model and its input size S."""
    if key == "ssd300_vgg16":
        model = torchvision.models.detection.ssd300_vgg16(
            weights=None, weights_backbone=None, num_classes=NUM_CLASSES, **NMS
        )
        return model, 300
    if key == "ssd_mobilenet_v1":
        size = 300
        backbone = MobileNetV1SSDFeatures(1.0)
        # mb1-ssd's scales (Whittle's default for this family)
        anchors = DefaultBoxGenerator([[2, 3]] * 6, scales=[0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 1.1])
        head = SSDHead(backbone.out_channels, anchors.num_anchors_per_location(), NUM_CLASSES)
        model = SSD(backbone, anchors, (size, size), NUM_CLASSES, image_mean=[127 / 255] * 3,
                    image_std=[128 / 255] * 3, head=head, **NMS)
        return model, size
    if key in ("ssdlite_mobilenet_v2", "ssdlite_mobilenet_v2_small"):
        small = key.endswith("_small")
        width, size = (0.5, 192) if small else (1.0, 320)
        first_stride = 8 if small else 16
        lo, hi = (0.05, 0.6) if small else (0.2, 0.95)
        norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.03)  # torchvision SSDLite's
        backbone = MobileNetV2SSDLiteFeatures(width, first_stride, norm_layer)
        maps = len(backbone.out_channels)
        anchors = DefaultBoxGenerator([[2, 3]] * maps, scales=linear_scales(maps, lo, hi))
        head = SSDLiteHead(backbone.out_channels, anchors.num_anchors_per_location(), NUM_CLASSES,
                           norm_layer)
        model = SSD(backbone, anchors, (size, size), NUM_CLASSES, image_mean=[0.5] * 3,
                    image_std=[0.5] * 3, head=head, **NMS)
        return model, size
    raise ValueError(key)


def parameter_count(model):
    return sum(p.numel() for p in model.parameters())


# --------------------------------------------------------------- process ----
def configure_malloc():
    """glibc keeps freed memory (Whittle's configure_process does the same)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD
        libc.mallopt(-2, 64 << 20)  # M_TOP_PAD
    except OSError:
        pass


def openblas():
    for name in ("libblas.so.3", "libopenblas.so.0"):
        try:
            lib = ctypes.CDLL(name, mode=os.RTLD_NOLOAD)
        except OSError:
            continue
        if hasattr(lib, "openblas_set_num_threads"):
            return lib
    return None


def set_all_threads(n):
    torch.set_num_threads(n)
    lib = openblas()
    if lib is not None:
        lib.openblas_set_num_threads(n)


def blas_name():
    lib = openblas()
    if lib is None:
        return "reference BLAS (no OpenBLAS symbols)"
    lib.openblas_get_config.restype = ctypes.c_char_p
    return lib.openblas_get_config().decode()


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


# ------------------------------------------------------------- measuring ----
def infer(model, size, threads, runs, warmup):
    """Rows (implementation key, name, times in ms) at each thread count."""
    model.eval()
    torch.manual_seed(1)
    x = torch.randn(1, 3, size, size)
    rows = []
    with torch.no_grad():
        feats = list(model.backbone(x).values())
        image_list = ImageList(x, [(size, size)])
        anchors = model.anchor_generator(image_list, feats)  # once, as Whittle's priors
        decode_ms = []

        def raw():
            f = list(model.backbone(x).values())
            return model.head(f)

        def with_decode():
            out = raw()
            t0 = time.perf_counter()
            model.postprocess_detections(out, anchors, image_list.image_sizes)
            decode_ms.append(1000 * (time.perf_counter() - t0))

        impls = [("raw", "PyTorch eager (raw outputs)", raw),
                 ("decode", "PyTorch eager + postprocess_detections", with_decode)]
        kept = len(model.postprocess_detections(raw(), anchors, image_list.image_sizes)[0]["scores"])
        for t in threads:
            set_all_threads(t)
            print(f"  {t} thread(s): warm-up {warmup}, timed {runs} x {len(impls)}", file=sys.stderr)
            for _ in range(warmup):
                for _, _, fn in impls:
                    fn()
            decode_ms.clear()
            times = {k: [] for k, _, _ in impls}
            for i in range(runs):
                for j in range(len(impls)):
                    k, _, fn = impls[(i + j) % len(impls)]
                    t0 = time.perf_counter()
                    fn()
                    times[k].append(1000 * (time.perf_counter() - t0))
            rows.append((t, "raw", impls[0][1], times["raw"]))
            rows.append((t, "decode", impls[1][1], times["decode"]))
            rows.append((t, "decode-only", "postprocess_detections alone (within the row above)",
                         list(decode_ms)))
    return rows, kept


def random_batch(batch, size, gen):
    images = [torch.rand(3, size, size, generator=gen) for _ in range(batch)]
    targets = []
    for _ in range(batch):
        n = int(torch.randint(1, 7, (1,), generator=gen))
        xy = torch.rand(n, 2, generator=gen) * 0.6
        wh = torch.rand(n, 2, generator=gen) * 0.35 + 0.04
        boxes = (torch.cat([xy, xy + wh], 1).clamp(0, 1) * size)
        labels = torch.randint(1, NUM_CLASSES, (n,), generator=gen)  # 0 is background
        targets.append({"boxes": boxes, "labels": labels})
    return images, targets


def train(model, size, threads, batch, steps, warm):
    set_all_threads(threads)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    gen = torch.Generator().manual_seed(3)
    batches = [random_batch(batch, size, gen) for _ in range(warm + steps)]
    step_ms, fwd, bwd, opt_ms, last = [], 0.0, 0.0, 0.0, 0.0
    for s, (images, targets) in enumerate(batches):
        t0 = time.perf_counter()
        losses = model(images, targets)
        loss = sum(losses.values())
        t1 = time.perf_counter()
        opt.zero_grad()
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        t3 = time.perf_counter()
        last = float(loss)
        if s < warm:
            continue
        step_ms.append(1000 * (t3 - t0))
        fwd += 1000 * (t1 - t0)
        bwd += 1000 * (t2 - t1)
        opt_ms += 1000 * (t3 - t2)
    total = sum(step_ms)
    return dict(images_per_s=1000.0 * batch * steps / total, step_med=statistics.median(step_ms),
                fwd=fwd / steps, bwd=bwd / steps, opt=opt_ms / steps, last=last)


# ------------------------------------------------------------------ main ----
def int_list(text):
    values = [int(v) for v in text.split(",") if v]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("a list of positive counts")
    return values


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--models", default=",".join(MODELS))
    p.add_argument("--threads", type=int_list, default=[1, 2])
    p.add_argument("--runs", type=int, default=0, help="0: per model (10 for VGG16, 30-50 others)")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--train-threads", type=int, default=2)
    p.add_argument("--train-batch", type=int, default=16)
    p.add_argument("--train-steps", type=int, default=-1, help="-1: per model; 0: no training")
    p.add_argument("--no-train", action="store_true")
    p.add_argument("--no-infer", action="store_true")
    p.add_argument("--quick", action="store_true", help="warm-up 1, 2 runs, 1 training step")
    p.add_argument("--params", action="store_true", help="print parameter counts and exit")
    p.add_argument("--tsv", help="also write the results here, for bench_ssd --reference")
    a = p.parse_args()
    keys = [k for k in a.models.split(",") if k]
    for k in keys:
        if k not in MODELS:
            p.error(f"unknown model {k}; known: {', '.join(MODELS)}")
    if a.no_train:
        a.train_steps = 0
    if a.quick:
        a.warmup = min(a.warmup, 1)
        a.runs = a.runs or 2
        if a.train_steps < 0:
            a.train_steps = 1
    configure_malloc()
    torch.set_num_interop_threads(1)

    started = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
    model_lines, infer_rows, train_rows = [], [], []
    for key in keys:
        label, size, default_runs, default_steps = MODELS[key]
        torch.manual_seed(2345)
        model, size = build(key)
        n = parameter_count(model)
        if a.params:
            print(f"{key} {n} params (Whittle {EXPECTED_PARAMS[key]})")
            continue
        if n != EXPECTED_PARAMS[key]:
            sys.exit(f"{key}: {n} parameters, Whittle's model has {EXPECTED_PARAMS[key]}: "
                     "the architectures differ")
        priors = sum(anc.shape[0] for anc in model.anchor_generator(
            ImageList(torch.zeros(1, 3, size, size), [(size, size)]),
            list(model.eval().backbone(torch.zeros(1, 3, size, size)).values())))
        model_lines.append(f"- {label}: {n} parameters (= Whittle's), {priors} anchors")
        if not a.no_infer:
            print(f"[{key}] inference", file=sys.stderr)
            runs = a.runs or default_runs
            rows, kept = infer(model, size, a.threads, runs, a.warmup)
            model_lines[-1] += f"; postprocess_detections keeps {kept} boxes"
            infer_rows += [(key, label, *r) for r in rows]
        steps = a.train_steps if a.train_steps >= 0 else default_steps
        if steps > 0:
            warm = 1 if a.quick else 2
            print(f"[{key}] training: batch {a.train_batch}, {a.train_threads} thread(s), "
                  f"warm-up {warm}, timed {steps} steps", file=sys.stderr)
            torch.manual_seed(2345)
            model, size = build(key)  # fresh weights and BN statistics
            r = train(model, size, a.train_threads, a.train_batch, steps, warm)
            train_rows.append((key, label, steps, r))
    if a.params:
        return

    print("## pytorch_ssd_reference.py\n")
    print(f"- date: {started} (finished "
          f"{datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M:%S %Z')})")
    print(f"- machine: {cpu_model()}, {os.cpu_count()} hardware threads")
    print(f"- PyTorch {torch.__version__}, torchvision {torchvision.__version__}, "
          f"{'OpenMP' if 'OpenMP' in torch.__config__.parallel_info() else 'native threads'}; {blas_name()}")
    print(f"- OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}"
          f"{' (set by this script)' if WAIT_POLICY_SET_HERE else ' (from the environment)'}")
    print(f"- inference: batch 1, fp32, eval mode, torch.no_grad(), random N(0,1) input, warm-up "
          f"{a.warmup}; raw and +postprocess interleaved round-robin; postprocess_detections with "
          f"score > 0.01, NMS IoU 0.45, top 200 per class, 200 per image (Whittle's NmsOptions)")
    print(f"- training: model(images, targets) (torchvision SSD loss) + backward + SGD (momentum "
          f"0.9) step; random images in [0, 1], 1-6 random boxes each; "
          f"{1 if a.quick else 2} warm-up step(s) untimed\n")
    for line in model_lines:
        print(line)
    if infer_rows:
        print("\n### Inference, ms per image (batch 1)\n")
        print("| model | threads | implementation | runs | median ms | min ms | max ms |")
        print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
        for key, label, t, _, name, ms in infer_rows:
            print(f"| {label} | {t} | {name} | {len(ms)} | {statistics.median(ms):.2f} | "
                  f"{min(ms):.2f} | {max(ms):.2f} |")
    if train_rows:
        print("\n### Training throughput\n")
        print("| model | threads | batch | steps | images/s | median ms/step | forward + loss | "
              "backward | optimizer | last loss |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for key, label, steps, r in train_rows:
            print(f"| {label} | {a.train_threads} | {a.train_batch} | {steps} | "
                  f"{r['images_per_s']:.2f} | {r['step_med']:.0f} | {r['fwd']:.0f} | "
                  f"{r['bwd']:.0f} | {r['opt']:.0f} | {r['last']:.3f} |")
    if a.tsv:
        with open(a.tsv, "w") as f:
            f.write(f"# PyTorch {torch.__version__}, torchvision {torchvision.__version__}, "
                    f"{started}, {cpu_model()}\n")
            for key, label, t, impl, name, ms in infer_rows:
                f.write(f"infer\t{key}\t{t}\t{impl}\t{len(ms)}\t{statistics.median(ms):.4f}\t"
                        f"{min(ms):.4f}\t{max(ms):.4f}\n")
            for key, label, steps, r in train_rows:
                f.write(f"train\t{key}\t{a.train_threads}\t{a.train_batch}\t{steps}\t"
                        f"{r['images_per_s']:.4f}\t{r['step_med']:.2f}\n")


if __name__ == "__main__":
    main()

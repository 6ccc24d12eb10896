#!/usr/bin/python3
"""A ResNet-style float network with seeded random weights, written to ONNX (python3-onnx, numpy).

    /usr/bin/python3 scripts/make_resnet_model.py OUT_DIR [--seed S]

Writes OUT_DIR/resnet_style.onnx (input "input" [1, 3, 32, 32], output "logits" [1, 10], opset
13, about 8 MB) and OUT_DIR/inputs.npy (float32 [8, 3, 32, 32], uniform in [0, 1), from the same
seed). Deterministic: the same bytes for the same seed.

Network (14 Conv, one of them depthwise, 4 residual Adds, channels 32 to 256):
  stem   Conv 3x3 3->32 + Relu                                   32x32
  block  [Conv 3x3 + Relu, Conv 3x3] + Add(identity) + Relu     32x32x32
  down   Conv 3x3 stride 2 32->64 + Relu, block                  16x16x64
  down   Conv 3x3 stride 2 64->128 + Relu, block                 8x8x128
  down   Conv 3x3 stride 2 128->256 + Relu, block                4x4x256
  sep    depthwise Conv 3x3 (group 256) + Relu, Conv 1x1 256->256 + Relu
  head   GlobalAveragePool, Flatten, Gemm 256->10
Weights: He-normal (std sqrt(2 / fan_in)), the second Conv of each block scaled by 0.5 so the
residual sums stay in range; biases normal with std 0.05.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    args = sys.argv[1:]
    seed = 0
    if "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 1:
        sys.exit("usage: make_resnet_model.py OUT_DIR [--seed S]")
    out = args[0]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(seed)
    nodes, inits = [], []
    count = [0]

    def name(prefix):
        count[0] += 1
        return f"{prefix}{count[0]}"

    def conv(x, cin, cout, stride=1, scale=1.0, relu=True, group=1, k=3):
        n = name("conv")
        fan_in = cin // group * k * k
        w = (rng.standard_normal((cout, cin // group, k, k)) * np.sqrt(2.0 / fan_in) * scale)
        b = rng.standard_normal(cout) * 0.05
        inits.append(numpy_helper.from_array(w.astype(np.float32), n + ".weight"))
        inits.append(numpy_helper.from_array(b.astype(np.float32), n + ".bias"))
        nodes.append(helper.make_node("Conv", [x, n + ".weight", n + ".bias"], [n + "_out"],
                                      name=n, kernel_shape=[k, k], pads=[k // 2] * 4,
                                      strides=[stride, stride], group=group))
        y = n + "_out"
        if relu:
            nodes.append(helper.make_node("Relu", [y], [n + "_relu"], name=n + "_relu"))
            y = n + "_relu"
        return y

    def block(x, c):
        y = conv(x, c, c)
        y = conv(y, c, c, scale=0.5, relu=False)
        a = name("add")
        nodes.append(helper.make_node("Add", [x, y], [a + "_out"], name=a))
        nodes.append(helper.make_node("Relu", [a + "_out"], [a + "_relu"], name=a + "_relu"))
        return a + "_relu"

    x = conv("input", 3, 32)
    x = block(x, 32)
    for cin, cout in ((32, 64), (64, 128), (128, 256)):
        x = conv(x, cin, cout, stride=2)
        x = block(x, cout)
    x = conv(x, 256, 256, group=256)  # depthwise
    x = conv(x, 256, 256, k=1)        # pointwise
    nodes.append(helper.make_node("GlobalAveragePool", [x], ["gap"], name="gap"))
    nodes.append(helper.make_node("Flatten", ["gap"], ["flat"], name="flatten", axis=1))
    w = rng.standard_normal((10, 256)) * np.sqrt(1.0 / 256)
    inits.append(numpy_helper.from_array(w.astype(np.float32), "fc.weight"))
    inits.append(numpy_helper.from_array((rng.standard_normal(10) * 0.05).astype(np.float32),
                                         "fc.bias"))
    nodes.append(helper.make_node("Gemm", ["flat", "fc.weight", "fc.bias"], ["logits"],
                                  name="fc", transB=1))
    graph = helper.make_graph(
        nodes, "resnet_style",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 32, 32])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="systolic make_resnet_model.py")
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, "resnet_style.onnx"))
    np.save(os.path.join(out, "inputs.npy"),
            rng.random((8, 3, 32, 32)).astype(np.float32))


if __name__ == "__main__":
    main()

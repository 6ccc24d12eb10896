#!/usr/bin/python3
"""Train the small digits CNN and export it to ONNX (deterministic; Debian's python3-torch).

    /usr/bin/python3 scripts/make_digits_model.py [OUT_DIR]     (default: examples/digits)

Data: scikit-learn's digits (python3-sklearn): 1,797 8x8 images, pixels 0..16 scaled to [0, 1].
Held-out split: 20 % stratified, random_state 0. Writes into OUT_DIR:
  digits_cnn.onnx     float model, input "input" [1, 1, 8, 8], output "logits" [1, 10], opset 13
  test_x.npy          float32 [360, 1, 8, 8]  the held-out images
  test_y.npy          int32   [360]           their labels
  train_x.npy         float32 [100, 1, 8, 8]  the first 100 training images (a calibration set)

Network: Conv 3x3 pad 1 (1->16) + Relu; Conv 3x3 stride 2 pad 1 (16->32) + Relu; MaxPool 2x2;
Flatten; Gemm 128->10. Adam, 60 epochs, batch 32, one thread, seed 0: the same weights every run
on one machine (the committed .onnx is the reference; re-running may differ in the last bits on
another CPU). Prints the float top-1 on the held-out split.
"""
import os
import sys

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


class DigitsCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.pool = torch.nn.MaxPool2d(2)
        self.fc = torch.nn.Linear(128, 10)

    def forward(self, x):
        x = torch.relu(self.conv1(x))
        x = torch.relu(self.conv2(x))
        x = self.pool(x)
        return self.fc(torch.flatten(x, 1))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "examples", "digits")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)[:, None, :, :]
    y = d.target.astype(np.int32)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.2, random_state=0, stratify=y)

    model = DigitsCnn()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    xt, yt = torch.from_numpy(x_tr), torch.from_numpy(y_tr.astype(np.int64))
    gen = torch.Generator().manual_seed(0)
    for _ in range(60):
        perm = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(xt), 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        top1 = float((model(torch.from_numpy(x_te)).argmax(1).numpy() == y_te).mean())
    print(f"float top-1 on the held-out split: {top1:.4f} ({len(y_te)} images)")

    torch.onnx.export(model, torch.zeros(1, 1, 8, 8), os.path.join(out, "digits_cnn.onnx"),
                      input_names=["input"], output_names=["logits"], opset_version=13,
                      do_constant_folding=True)
    np.save(os.path.join(out, "test_x.npy"), x_te)
    np.save(os.path.join(out, "test_y.npy"), y_te)
    np.save(os.path.join(out, "train_x.npy"), x_tr[:100])


if __name__ == "__main__":
    main()

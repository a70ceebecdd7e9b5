#! title (en): 5 · Offset: where a slice starts
#! title (zh): 5 · 偏移 offset：切片从哪里开始
import torch
tensorA = torch.arange(12).reshape(3, 4)
#: en: Rows 1–2, columns 0–1: the first element is tensorA[1, 0], storage index 4 — so offset 4, stride still (4, 1).
#: zh: 第 1–2 行、第 0–1 列：第一个元素是 tensorA[1, 0]，存储下标 4——所以 offset 4，stride 仍是 (4, 1)。
tensorB = tensorA[1:3, 0:2]
#: en: data_ptr moves by offset × itemsize = 4 × 8 = 32 bytes; the storage pointer does not move.
#: zh: data_ptr 移动了 offset × itemsize = 4 × 8 = 32 字节；存储的指针不变。
print(tensorB.data_ptr() - tensorA.data_ptr(), tensorB.storage_offset())
#: en: A step slice: every second column gives stride (4, 2).
#: zh: 带步长的切片：每隔一列取一次，stride 变为 (4, 2)。
every_other = tensorA[:, ::2]

#! title (en): 5 · Offset: where a slice starts
#! title (zh): 5 · 偏移：切片从哪里开始
import torch
#: en: A 3×4 tensor: shape (3, 4), stride (4, 1), offset 0.
#: zh: 一个 3×4 的张量：形状 (3, 4)，步长 (4, 1)，偏移 0。
tensorA = torch.arange(12).reshape(3, 4)
#: en: Rows 1–2, columns 0–1: the first element is tensorA[1, 0], at storage index 4 — so offset 4, and the stride is still (4, 1).
#: zh: 第 1–2 行、第 0–1 列：第一个元素是 tensorA[1, 0]，位于存储下标 4——所以偏移是 4，步长仍是 (4, 1)。
tensorB = tensorA[1:3, 0:2]
#: en: data_ptr moves by offset × itemsize = 4 × 8 = 32 bytes; the storage's own pointer does not move.
#: zh: data_ptr 移动了 偏移 × 每元素字节数 = 4 × 8 = 32 字节；存储本身的指针不变。
print(tensorB.data_ptr() - tensorA.data_ptr(), tensorB.storage_offset())
#: en: Element [i, j] of tensorB is at storage index 4 + 4·i + 1·j: tensorB[1, 1] is at 4 + 4 + 1 = 9.
#: zh: tensorB 的元素 [i, j] 位于存储下标 4 + 4·i + 1·j：tensorB[1, 1] 在 4 + 4 + 1 = 9。
print(tensorB[1, 1].item())
#: en: A slice with step 2 (::2) takes every second column: one column right now advances 2 cells, stride (4, 2), offset 0.
#: zh: 间隔为 2 的切片（::2）每隔一列取一列：向右一列现在前进 2 个单元，步长 (4, 2)，偏移 0。
every_other = tensorA[:, ::2]
#: en: Start at column 1 instead: offset 1, stride (4, 2) — columns 1 and 3.
#: zh: 改从第 1 列开始：偏移 1，步长 (4, 2)——取第 1 列和第 3 列。
odd_columns = tensorA[:, 1::2]

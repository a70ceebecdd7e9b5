#! title (en): 10 · Stride 0 and overlapping views: expand, writing through them, unfold, as_strided
#! title (zh): 10 · 步长 0 与重叠的视图：expand、通过它们写入、unfold、as_strided
import torch
#: en: A row of 3 numbers: 3 cells of storage.
#: zh: 一行 3 个数：存储中的 3 个单元。
row = torch.arange(3)
#: en: expand(4, 3) repeats the row without copying: stride (0, 1). One row down advances 0 cells, so all 4 rows read the same 3 cells — 12 elements, still 3 cells of storage.
#: zh: expand(4, 3) 重复这一行而不复制：步长 (0, 1)。向下一行前进 0 个单元，所以 4 行读的都是同样的 3 个单元——12 个元素，存储仍然只有 3 个单元。
rows = row.expand(4, 3)
#: en: Writing one element writes its cell: rows[0, 0] is storage index 0, so every row — and row itself — now shows 5 in column 0.
#: zh: 写入一个元素就是写入它的单元：rows[0, 0] 是存储下标 0，所以每一行——连同 row 本身——第 0 列都变成了 5。
#? value rows[3, 0]
rows[0, 0] = 5
#: en: An in-place add on rows fails: 4 of its elements share each cell, and PyTorch refuses in-place arithmetic on a tensor whose elements overlap in memory ("more than one element of the written-to tensor refers to a single memory location").
#: zh: 对 rows 原地相加（add_）失败了：它的每个单元被 4 个元素共享，而 PyTorch 拒绝对元素在内存中重叠的张量做原地运算（“more than one element of the written-to tensor refers to a single memory location”）。
#? error
#! expect-error
rows.add_(1)
#: en: The fix the message suggests: clone() copies the 12 elements into a new storage of 12 cells, stride (3, 1) — no overlap any more.
#: zh: 按错误信息的建议：clone() 把 12 个元素复制到一块 12 个单元的新存储，步长 (3, 1)——不再重叠。
fixed = rows.clone()
#: en: Now add_ works, on fixed only: row and rows keep their values.
#: zh: 现在 add_ 可以成功，只作用于 fixed：row 和 rows 的值不变。
#? error
fixed.add_(1)
#: en: 8 numbers in 8 cells, stride (1,).
#: zh: 8 个数，占 8 个单元，步长 (1,)。
x = torch.arange(8)
#: en: unfold makes overlapping windows: x.unfold(0, 3, 1) takes windows of size 3 with a step of 1 — shape (6, 3), stride (1, 1). Neighbouring windows share 2 cells.
#: zh: unfold 生成重叠的窗口：x.unfold(0, 3, 1) 取大小为 3、间隔为 1 的窗口——形状 (6, 3)，步长 (1, 1)。相邻的窗口共享 2 个单元。
windows = x.unfold(0, 3, 1)
#: en: as_strided sets shape, stride and offset by hand: shape (3, 3), stride (2, 1) — each row starts 2 cells after the previous one and overlaps it by 1 cell. Overlaps are allowed, and a wrong stride silently reads the wrong cells: as_strided checks only that every element stays inside the storage.
#: zh: as_strided 直接指定形状、步长和偏移：形状 (3, 3)，步长 (2, 1)——每一行比上一行前进 2 个单元开始，与上一行重叠 1 个单元。重叠是允许的，步长写错就会悄悄读到错误的单元：as_strided 只检查每个元素都在存储范围之内。
steps = x.as_strided((3, 3), (2, 1))
#: en: That check fails here: with stride (3, 1) the last element [2, 2] would be at storage index 2·3 + 2·1 = 8, but x's storage has only indices 0–7.
#: zh: 这里检查没通过：步长为 (3, 1) 时，最后一个元素 [2, 2] 将位于存储下标 2·3 + 2·1 = 8，而 x 的存储只有下标 0–7。
#? error
#! expect-error
too_far = x.as_strided((3, 3), (3, 1))

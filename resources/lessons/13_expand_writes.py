#! title (en): 13 · Writing through expand (stride 0) — and repeat, which copies
#! title (zh): 13 · 通过 expand 写入（步长 0）——以及会复制的 repeat
import torch
#: en: A column of 3 numbers: shape (3, 1), stride (1, 1), 3 cells of 8 bytes.
#: zh: 一列 3 个数：形状 (3, 1)，步长 (1, 1)，3 个 8 字节的单元。
col = torch.arange(3).view(3, 1)
#: en: expand(3, 4) copies nothing: shape (3, 4), stride (1, 0). Stride 0 means walking along a row never moves in storage — the 4 positions of a row all read one cell.
#: zh: expand(3, 4) 什么也不复制：形状 (3, 4)，步长 (1, 0)。步长 0 表示沿一行前进时在存储中一步也不移动——一行的 4 个位置读的都是同一个单元。
wide = col.expand(3, 4)
#: en: Predict: can we add 1 to wide in place? Each cell would be written 4 times, each time from a value another position may already have changed. PyTorch refuses.
#: zh: 先预测：能对 wide 原地加 1 吗？每个单元会被写 4 次，每次读到的值都可能已被另一个位置改过。PyTorch 拒绝了。
wide.add_(1)  #! expect-error
#: en: Reading through stride 0 is fine: wide + 1 is a new tensor with its own 12 cells, shape (3, 4), stride (4, 1).
#: zh: 通过步长 0 读取没有问题：wide + 1 是一个新张量，有自己的 12 个单元，形状 (3, 4)，步长 (4, 1)。
plus = wide + 1
#: en: repeat(1, 4) copies instead: shape (3, 4), stride (4, 1), a new storage of 12 cells.
#: zh: repeat(1, 4) 则会复制：形状 (3, 4)，步长 (4, 1)，一块 12 个单元的新存储。
rep = col.repeat(1, 4)
#: en: Now the in-place write works: every position has its own cell.
#: zh: 现在原地写入可以成功：每个位置都有自己的单元。
rep.add_(1)
#: en: The storages say it: wide still reads col's 24 bytes, rep owns 96 — it prints 24 96.
#: zh: 存储大小说明了一切：wide 仍然读 col 的 24 字节，rep 拥有 96 字节——输出 24 96。
print(wide.untyped_storage().nbytes(), rep.untyped_storage().nbytes())
#: en: Writing through col is allowed (no cell is shared inside col) — and it changes a whole row of wide, because the row is that one cell.
#: zh: 通过 col 写入是允许的（col 内部没有共享的单元）——而它会改变 wide 的一整行，因为那一行就是这一个单元。
col[0, 0] = 100
#: en: Row 0 of wide is now 100 everywhere; rep kept its own copy. It prints [100, 100, 100, 100] [1, 1, 1, 1].
#: zh: wide 的第 0 行现在全是 100；rep 保留着自己的副本。输出 [100, 100, 100, 100] [1, 1, 1, 1]。
print(wide[0].tolist(), rep[0].tolist())

#! title (en): 12 · dtype views and storage lifetime: view(dtype), del, clone()
#! title (zh): 12 · dtype 视图与存储的生命周期：view(dtype)、del、clone()
import torch
#: en: Four float32 ones: 4 elements × 4 bytes = 16 bytes of storage.
#: zh: 4 个 float32 的 1：4 个元素 × 4 字节 = 16 字节的存储。
f = torch.ones(4)
#: en: view(torch.int16) reads the same 16 bytes as 8 int16 values: shape (8,), the same storage, no copy. 1.0 in float32 is the bits 0x3F800000; little-endian, its two halves read 0 and 0x3F80 = 16256.
#: zh: view(torch.int16) 把同样的 16 个字节读成 8 个 int16：形状 (8,)，同一块存储，没有复制。float32 的 1.0 的位模式是 0x3F800000；按小端序，它的两半读作 0 和 0x3F80 = 16256。
bits = f.view(torch.int16)
#: en: Writing 16384 (0x4000) into bits[1] changes the high half of f[0]: its bits become 0x40000000, which is 2.0.
#: zh: 把 16384（0x4000）写入 bits[1]，就改变了 f[0] 的高半部分：它的位变成 0x40000000，也就是 2.0。
#? value f[0]
bits[1] = 16384
#: en: A big tensor: 1,000,000 float32 values, 4,000,000 bytes of storage.
#: zh: 一个大张量：1,000,000 个 float32 值，存储共 4,000,000 字节。
big = torch.arange(1_000_000, dtype=torch.float32)
#: en: A small slice: 2 elements, offset 10 — a view on big's storage.
#: zh: 一个小切片：2 个元素，偏移 10——big 的存储上的视图。
small = big[10:12]
#: en: del big removes the name, not the memory: small still holds the whole storage, all 4,000,000 bytes.
#: zh: del big 删除的是名字，不是内存：small 仍然持有整块存储，全部 4,000,000 字节。
del big
#: en: 2 elements — and 4,000,000 bytes of storage behind them.
#: zh: 2 个元素——背后却是 4,000,000 字节的存储。
#? output
print(small.numel(), small.untyped_storage().nbytes())
#: en: clone() copies just the 2 elements into a storage of their own: 8 bytes.
#: zh: clone() 只把这 2 个元素复制到它们自己的存储：8 字节。
kept = small.clone()
#: en: Once small is gone too, nothing refers to big's old storage (the 4 MB) any more, and PyTorch frees it. kept holds 8 bytes.
#: zh: 当 small 也被删除后，再没有任何东西引用 big 原来的那块存储（那 4 MB），PyTorch 就会释放它。kept 只占 8 字节。
del small
print(kept.tolist(), kept.untyped_storage().nbytes())

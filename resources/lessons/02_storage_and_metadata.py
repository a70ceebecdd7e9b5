#! title (en): 2 · Storage and metadata
#! title (zh): 2 · 存储与元数据
import torch
#: en: Every tensor = a flat storage + metadata. This one: shape (2, 3), dtype int32 — 4 bytes per element, 6 elements, 24 bytes of storage.
#: zh: 每个张量 = 一块扁平的存储 + 元数据。这里：形状 (2, 3)，dtype 为 int32——每个元素 4 字节，6 个元素，存储共 24 字节。
x = torch.arange(6, dtype=torch.int32).reshape(2, 3)
#: en: x.shape, x.dtype and x.device are metadata: how to read the storage, and where it lives (device cpu: main memory).
#: zh: x.shape、x.dtype 和 x.device 都是元数据：说明如何读取这块存储，以及它在哪里（device 为 cpu：主内存）。
#? output
print(x.shape, x.dtype, x.element_size(), x.device)
#: en: storage() returns a TypedStorage: the memory read as 6 int32 elements, in storage order, no rows or columns. It is deprecated — PyTorch warns (see the warning in this step).
#: zh: storage() 返回一个 TypedStorage：把这块内存按 6 个 int32 元素读出，按存储顺序排列，没有行列之分。它已被弃用——PyTorch 会发出警告（见本步的警告）。
print(len(x.storage()), x.storage().tolist())
#: en: untyped_storage() is the memory itself: 24 bytes (6 elements × 4 bytes). On this little-endian machine the value 1 at storage index 1 fills bytes 4–7: 1, 0, 0, 0.
#: zh: untyped_storage() 才是内存本身：24 个字节（6 个元素 × 4 字节）。在这台小端序机器上，存储下标 1 处的值 1 占据字节 4–7：1、0、0、0。
print(x.untyped_storage().nbytes(), x.untyped_storage().tolist())
#: en: storage_offset() is the storage index where the tensor starts: 0 for x.
#: zh: storage_offset() 是张量在存储中起始位置的下标：x 的偏移是 0。
print(x.storage_offset())
#: en: Row 1 of x starts at storage index 3: a view with offset 3 on the same storage, shape (3,), stride (1,).
#: zh: x 的第 1 行从存储下标 3 开始：它是同一块存储上的视图，偏移 3，形状 (3,)，步长 (1,)。
row1 = x[1]
#: en: On the meta device a tensor has shape (2, 3), stride (3, 1) and a dtype — a layout without memory: its storage reports 24 bytes, but none are allocated, so there are no values (drawn as ?).
#: zh: 在 meta 设备上，张量有形状 (2, 3)、步长 (3, 1) 和 dtype——只有布局、没有内存：它的存储报告 24 字节，但一个字节也没有分配，所以也没有数值（画作 ?）。
m = torch.empty(2, 3, dtype=torch.int32, device="meta")
#: en: Its device is meta, and its storage's data pointer is 0: nothing was allocated.
#: zh: 它的 device 是 meta，存储的数据指针是 0：什么都没有分配。
print(m.device, m.untyped_storage().data_ptr())

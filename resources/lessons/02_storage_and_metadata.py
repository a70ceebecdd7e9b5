#! title (en): 2 · Storage and metadata
#! title (zh): 2 · 存储与元数据
import torch
#: en: Every tensor = a flat storage + metadata. This one: shape (2, 3), dtype float32, 4 bytes per element.
#: zh: 每个张量 = 一块扁平存储 + 元数据。这里：shape (2, 3)，dtype 为 float32，每个元素 4 字节。
x = torch.arange(6, dtype=torch.float32).reshape(2, 3)
#: en: shape and dtype are metadata; they say how to read the storage.
#: zh: shape 和 dtype 都是元数据：它们说明如何读取这块存储。
print(x.shape, x.dtype, x.element_size())
#: en: storage() is the flat memory itself: 6 numbers in a row, no rows or columns.
#: zh: storage() 就是扁平的内存本身：一排 6 个数，没有行列之分。
print(x.storage().tolist())
#: en: storage_offset() is where the tensor starts in its storage: 0 for x.
#: zh: storage_offset() 是张量在存储中的起点：x 的是 0。
print(x.storage_offset())
#: en: A slice starting at row 1 starts 3 cells in: offset 3, same storage.
#: zh: 从第 1 行开始的切片从第 3 个单元开始：offset 3，同一块存储。
row1 = x[1]

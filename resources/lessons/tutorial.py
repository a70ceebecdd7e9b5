#! title (en): From the tutorial: transpose, slicing, contiguous() and view()
#! title (zh): 教程示例：transpose、切片、contiguous() 与 view()
import torch
#: en: A 3×4 tensor of the numbers 0…11. Its storage is one flat strip of 12 int64 cells; shape (3, 4) and stride (4, 1) map each [row, column] to a cell: [i, j] is at storage index 4·i + 1·j.
#: zh: 一个 3×4 的张量，内容是 0…11。它的存储是一条 12 个 int64 单元的扁平带；形状 (3, 4) 和步长 (4, 1) 把每个 [行, 列] 映射到一个单元：[i, j] 位于存储下标 4·i + 1·j。

tensorA = torch.arange(12).reshape(3, 4)
#: en: storage() lists the storage in memory order — the same 12 numbers, no rows. It returns a TypedStorage, which PyTorch deprecates (see the warning); untyped_storage() is the raw memory, 96 bytes here.
#: zh: storage() 按内存顺序列出存储——同样的 12 个数，没有“行”的概念。它返回的是 TypedStorage，PyTorch 已将其弃用（见警告）；untyped_storage() 才是原始内存，这里是 96 字节。
print(tensorA.storage().tolist())
#: en: transpose swaps the strides to (1, 4): no data moves, both tensors share the same storage. Note the last stride is now 4: one column right advances 4 cells — a column stride is not always 1.
#: zh: transpose 把步长交换成 (1, 4)：数据没有移动，两个张量共享同一块存储。注意最后一维的步长现在是 4：向右一列前进 4 个单元——列方向的步长并不总是 1。
tensorA_T = tensorA.transpose(0, 1)
#: en: Slicing rows 1–2 and columns 0–1 keeps stride (4, 1) and moves the storage offset to 4.
#: zh: 取第 1–2 行、第 0–1 列：步长仍是 (4, 1)，存储偏移变成 4。
tensorB = tensorA[1:3, 0:2]
#: en: The slice starts at storage index 4. Each row holds 2 elements, but one row down advances 4 cells, leaving a gap of 2 cells — so it is not contiguous.
#: zh: 这个切片从存储下标 4 开始。每行有 2 个元素，但向下一行前进 4 个单元，中间空出 2 个单元——所以它不是连续的。
#? output
print(tensorB.storage_offset(), tensorB.stride(), tensorB.is_contiguous())
#: en: contiguous() copies the transposed tensor into a NEW storage in row-major order; on that copy view(1, 12) works. reshape(1, 12) would have done both in one call: reshape returns a view when one is possible and copies only when it must, so view is not faster — it only refuses to copy.
#: zh: contiguous() 把转置后的张量按行优先顺序复制到一块新的存储；在这个副本上 view(1, 12) 就能成功。reshape(1, 12) 一次调用就能完成这两步：reshape 能视图时返回视图，只在不得不时才复制，所以 view 并不更快——它只是拒绝复制。
viewA = tensorA.transpose(0, 1).contiguous().view(1, 12)
#: en: view() directly on the transpose fails: dims 0 and 1 (strides 1 and 4) would have to merge into one stride, and they merge only if 1 == 4 × 3.
#: zh: 直接对转置后的张量调用 view() 失败了：第 0 维和第 1 维（步长 1 和 4）必须合并成一个步长，而只有 1 == 4 × 3 时它们才能合并。
#? error
#! expect-error
viewB = tensorA_T.view(12)

#! title (en): From the tutorial: transpose, slicing, contiguous() and view()
#! title (zh): 教程示例：transpose、切片、contiguous() 与 view()
import torch
#: en: A 3×4 tensor of the numbers 0…11. Its storage is one flat strip of 12 int64 cells; shape (3, 4) and stride (4, 1) map each row/column to a cell.
#: zh: 一个 3×4 的张量，内容是 0…11。它的存储是一条连续的 12 个 int64 单元；shape (3, 4) 和 stride (4, 1) 把每个行/列位置映射到一个单元。

tensorA = torch.arange(12).reshape(3, 4)
#: en: storage() lists the flat storage in memory order — the same 12 numbers, no rows.
#: zh: storage() 按内存顺序列出扁平存储——同样的 12 个数，没有“行”的概念。
print(tensorA.storage().tolist())
#: en: transpose swaps the strides to (1, 4): no data moves, both tensors share the same storage.
#: zh: transpose 把 stride 交换成 (1, 4)：数据没有移动，两个张量共享同一块存储。
tensorA_T = tensorA.transpose(0, 1)
#: en: Slicing rows 1–2 and columns 0–1 keeps stride (4, 1) and moves the storage offset to 4.
#: zh: 取第 1–2 行、第 0–1 列：stride 仍是 (4, 1)，存储偏移 (storage offset) 变成 4。
tensorB = tensorA[1:3, 0:2]
#: en: The slice starts 4 cells in and skips 2 cells after each row, so it is not contiguous.
#: zh: 这个切片从第 4 个单元开始，每行之后跳过 2 个单元，所以它不是连续的。
print(tensorB.storage_offset(), tensorB.stride(), tensorB.is_contiguous())
#: en: contiguous() copies the transposed tensor into a NEW storage in row-major order; now view(1, 12) works.
#: zh: contiguous() 把转置后的张量按行优先顺序复制到一块新的存储中；之后 view(1, 12) 就可以成功。
viewA = tensorA.transpose(0, 1).contiguous().view(1, 12)
#: en: view() directly on the transpose fails: dims 0 and 1 (strides 1 and 4) cannot merge into one stride.
#: zh: 直接对转置后的张量调用 view() 会失败：第 0 维和第 1 维（stride 1 和 4）无法合并成一个 stride。
viewB = tensorA_T.view(12)

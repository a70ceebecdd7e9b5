#! title (en): 7 · view() fails on a non-contiguous tensor — contiguous() fixes it by copying
#! title (zh): 7 · view() 在不连续的张量上失败——contiguous() 通过复制来解决
import torch
a = torch.arange(12).reshape(3, 4)
#: en: The transpose: shape (4, 3), stride (1, 4).
#: zh: 转置：shape (4, 3)，stride (1, 4)。
t = a.t()
#: en: contiguous() copies t into a new storage, row by row; its stride becomes (3, 1).
#: zh: contiguous() 把 t 逐行复制到新存储中；stride 变为 (3, 1)。
c = t.contiguous()
#: en: Now view(12) works: one stride of 1 walks the whole copy.
#: zh: 现在 view(12) 可以成功：步长 1 就能走完整个副本。
v = c.view(12)
#: en: On t itself view(12) fails: dims 0 and 1 (strides 1 and 4) cannot merge into one stride.
#: zh: 直接对 t 调用 view(12) 会失败：第 0 维和第 1 维（stride 1 和 4）无法合并成一个 stride。
w = t.view(12)

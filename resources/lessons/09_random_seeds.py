#! title (en): 9 · Random seeds
#! title (zh): 9 · 随机种子
import torch
#: en: manual_seed(8) fixes the random generator's state…
#: zh: manual_seed(8) 固定随机数生成器的状态……
torch.manual_seed(8)
first = torch.rand(3, 4)
#: en: …so after the same seed, rand gives the same numbers again.
#: zh: ……所以用同一个种子之后，rand 会再次给出相同的数。
torch.manual_seed(8)
second = torch.rand(3, 4)
print(torch.equal(first, second))

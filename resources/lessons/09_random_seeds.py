#! title (en): 9 · Random seeds
#! title (zh): 9 · 随机种子
import torch
#: en: manual_seed(8) sets the random generator's state…
#: zh: manual_seed(8) 设定随机数生成器的状态……
torch.manual_seed(8)
#: en: …and rand draws 12 numbers from it, advancing that state.
#: zh: ……rand 从中取出 12 个数，同时推进这个状态。
first = torch.rand(3, 4)
#: en: Without a new seed the generator goes on from where it stopped: 12 different numbers.
#: zh: 不重新设定种子，生成器就从上次停下的地方继续：得到 12 个不同的数。
second = torch.rand(3, 4)
#: en: first and second differ.
#: zh: first 和 second 不相等。
#? equal first second
print(torch.equal(first, second))
#: en: manual_seed(8) again puts the generator back into the very same state…
#: zh: 再次调用 manual_seed(8)，生成器回到完全相同的状态……
torch.manual_seed(8)
#: en: …so rand gives exactly the numbers of first again.
#: zh: ……所以 rand 又给出与 first 完全相同的数。
again = torch.rand(3, 4)
#: en: first and again are equal: the same seed, the same numbers (on the same machine and PyTorch version).
#: zh: first 和 again 相等：相同的种子，相同的数（在同一台机器、同一个 PyTorch 版本上）。
#? equal first again
print(torch.equal(first, again))
#: en: A different seed gives a different state, and different numbers.
#: zh: 不同的种子给出不同的状态，也就是不同的数。
torch.manual_seed(9)
#: en: Seed 9: 12 other numbers.
#: zh: 种子 9：另外 12 个数。
other = torch.rand(3, 4)
#: en: first and other differ.
#: zh: first 和 other 不相等。
#? equal first other
print(torch.equal(first, other))

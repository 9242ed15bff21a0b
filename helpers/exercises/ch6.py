"""Chapter 6's exercises: parameter counts, a receptive field, a dense network's width,
and a training recipe that the check trains from three seeds."""

from __future__ import annotations

import functools
import numbers

import torch
from torch import nn

from ..digits import accuracy, layer_table, lenet, load_split, train
from ..fields import receptive_field
from .engine import Exercise, Mistake, register
from .forms import Form, FormError, WholeNumber

WINDOW_LAYERS = [nn.Conv2d(1, 6, 3, padding=1), nn.MaxPool2d(2),
                 nn.Conv2d(6, 16, 3, padding=1), nn.MaxPool2d(2)]
EPOCHS, TARGET = 20, 0.9
CHANCE = 0.15  # ten digits: a network that has learned nothing is right about 1 time in 10
FEWEST = 1  # the fewest of d2l's ingredients a recipe must change (nn.Tanh alone will do)
SEEDS = (0, 1, 2)  # a recipe must reach TARGET from each of these starts


THIRD_CONV = nn.Conv2d(16, 32, kernel_size=5, padding=2)  # a layer the chapter does not show


def _conv3_parameters() -> int:
    return sum(p.numel() for p in THIRD_CONV.parameters())


register(Exercise(
    name="ch6.conv3_parameters",
    form=WholeNumber("parameters"),
    solution=_conv3_parameters,
    praise="32 filters of 16 x 5 x 5 weights, and 32 biases: 12,832. The padding changes "
           "the output's size, not the layer's parameters.",
    hint="Count c_o x c_i x k_h x k_w weights and one bias per output channel; the padding "
         "adds none.",
    mistakes=(
        Mistake(32 * 16 * 5 * 5, "12,800 counts the weights; each of the 32 output channels "
                                 "also has a bias."),
        Mistake(32 * 5 * 5 + 32, "Each filter spans all 16 input channels: 16 x 5 x 5 weights "
                                 "per output channel, not 5 x 5.",
                lambda n: n in (32 * 25, 32 * 25 + 32)),
        Mistake(32 * 16 * 5 * 5 + 16, "The weights are right; the biases are one per output "
                                      "channel, 32, not one per input channel."),
    ),
))


def _field_far_from_border() -> set:
    return receptive_field(32, WINDOW_LAYERS, (3, 3))[0]


def _added_windows() -> int:
    """The likely slip: the windows added up, each counted in cells of its own layer."""
    return 1 + sum(layer.kernel_size[0] - 1 if isinstance(layer, nn.Conv2d) else
                   layer.kernel_size - 1 for layer in WINDOW_LAYERS)


register(Exercise(
    name="ch6.pool2_field",
    form=WholeNumber("pixels"),
    solution=lambda: len(_field_far_from_border()),
    praise="10 x 10 = 100 pixels: each 3 x 3 convolution adds a cell on every side, each "
           "2 x 2 pooling doubles the size.",
    hint="Go back one layer at a time from the pooling cell: how many rows of the layer "
         "below does it read, and how many do those read?",
    mistakes=(
        Mistake(10, "10 is the width of the field; how many pixels is that?"),
        Mistake(49, "49 = 7 x 7, the windows added up (1 + 2 + 1 + 2 + 1 = 7) as if every "
                    "layer's cells were pixels. After a stride-2 pooling, one step of the next "
                    "layer moves 2 pixels, so what its window adds counts double (chapter 5, "
                    "5.1). (49 is also what a corner cell sees on the 8 x 8 digits, where the "
                    "padding cuts the field off.)",
                lambda n: n == _added_windows() ** 2),
    ),
))


def _two_layer_parameters(width: int) -> int:
    net = nn.Sequential(nn.Flatten(), nn.Linear(64, width), nn.ReLU(),
                        nn.Linear(width, width), nn.ReLU(), nn.Linear(width, 10))
    return layer_table(net, (1, 8, 8)).total


def _closest_width() -> int:
    target = layer_table(lenet(), (1, 8, 8)).total
    return min(range(1, 100), key=lambda h: abs(_two_layer_parameters(h) - target))


register(Exercise(
    name="ch6.dense_two_layers",
    form=WholeNumber("a layer's units"),
    solution=_closest_width,
    praise="64 -> 31 -> 31 -> 10 has 3,327 parameters, 23 under LeNet's 3,350; 32 would be "
           "116 over.",
    hint="Write the parameter count as a function of the width h (weights and biases of all "
         "three layers; the middle one has h x h weights) and set it equal to 3,350.",
    mistakes=(
        Mistake(45, "45 is the width of one hidden layer (section 6.6). A second layer of the "
                    "same width adds h x h weights and h biases."),
        Mistake(32, "32 gives 3,466 parameters, 116 over 3,350 (3,392 without the biases, "
                    "but they count): is there a width that comes closer?"),
        Mistake(44, "That counts each hidden layer's biases but leaves out the h x h weights "
                    "between the two hidden layers."),
    ),
))


RECIPE_KEYS = ("activation", "pooling", "lr", "momentum")
D2L_RECIPE = {"activation": nn.Sigmoid, "pooling": nn.AvgPool2d, "lr": 0.9, "momentum": 0.0}
D2L_PARSED = tuple(D2L_RECIPE.values())


class Recipe(Form):
    """A training recipe for the chapter's LeNet: layer classes and two numbers."""

    description = ('a dict such as {"activation": nn.Sigmoid, "pooling": nn.AvgPool2d, '
                   '"lr": 0.9, "momentum": 0.0}')
    wrong = ("relu", [nn.ReLU], D2L_RECIPE | {"activation": nn.ReLU()},
             D2L_RECIPE | {"pooling": nn.Conv2d}, D2L_RECIPE | {"lr": "0.1"},
             D2L_RECIPE | {"lr": -1}, D2L_RECIPE | {"momentum": 1.0},
             {"activation": nn.ReLU, "optimizer": "adam"})

    def parse(self, answer) -> tuple:
        if not isinstance(answer, dict) or set(answer) != set(RECIPE_KEYS):
            raise FormError(f"Your recipe needs exactly the keys {', '.join(RECIPE_KEYS)}.")
        for key in ("activation", "pooling"):
            value = answer[key]
            if not (isinstance(value, type) and issubclass(value, nn.Module)):
                raise FormError(f"{key} is {value!r}; give the layer class, such as nn.ReLU "
                                "(not nn.ReLU()).")
        try:
            answer["activation"]()
        except TypeError:
            raise FormError(f"activation is {answer['activation'].__name__}, which needs "
                            "arguments; give an activation class that takes none, such as "
                            "nn.ReLU or nn.Tanh.") from None
        if answer["pooling"] not in (nn.AvgPool2d, nn.MaxPool2d):
            raise FormError("pooling must be nn.AvgPool2d or nn.MaxPool2d.")
        for key, allowed in (("lr", lambda v: 0 < v <= 10), ("momentum", lambda v: 0 <= v < 1)):
            value = answer[key]
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or \
                    not allowed(value):
                rule = "above 0 and at most 10" if key == "lr" else "from 0 to below 1"
                raise FormError(f"{key} is {value!r}; give a number {rule}.")
        return (answer["activation"], answer["pooling"], float(answer["lr"]),
                float(answer["momentum"]))


@functools.lru_cache(maxsize=64)
def recipe_accuracy(activation, pooling, lr: float, momentum: float, seed: int = 0) -> float:
    """Test accuracy of the chapter's LeNet trained with this recipe for 20 epochs on one
    thread, its first weights and its batch order drawn from `seed`."""
    X_train, y_train, X_test, y_test = load_split()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as in the chapter: faster for small layers, the same each run
    try:
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            net = lenet(activation, pooling)
            train(net, X_train, y_train, epochs=EPOCHS, lr=lr, momentum=momentum, seed=seed)
        return accuracy(net, X_test, y_test)
    finally:
        torch.set_num_threads(threads)


def seed_accuracies(recipe: tuple) -> tuple[float, ...]:
    """The recipe's test accuracy for each of SEEDS, up to the first that misses TARGET."""
    reached = []
    for seed in SEEDS:
        reached.append(recipe_accuracy(*recipe, seed))
        if reached[-1] < TARGET:
            break
    return tuple(reached)


def _reached(recipe: tuple) -> str:
    return ", ".join(f"{a:.3f}" for a in seed_accuracies(recipe))


def _changed(recipe: tuple) -> int:
    """How many of d2l's four ingredients the recipe changes."""
    return sum(a != b for a, b in zip(recipe, D2L_PARSED, strict=True))


def _praise(recipe: tuple) -> str:
    said = (f"It reaches {TARGET} test accuracy within {EPOCHS} epochs with each of the seeds "
            f"{', '.join(map(str, SEEDS))}: {_reached(recipe)}.")
    if _changed(recipe) > FEWEST:
        said += (f" But it changes {_changed(recipe)} of d2l's four ingredients: can you do it "
                 "with fewer?")
    return said


def _missed(recipe: tuple) -> str:
    reached = seed_accuracies(recipe)
    learns = "It learns, but" if reached[-1] >= CHANCE else "It stays near chance:"
    return (f"{learns} with seed {len(reached) - 1} it reaches only {reached[-1]:.3f} "
            f"test accuracy in {EPOCHS} epochs, and the check wants {TARGET} with each of "
            f"the seeds {', '.join(map(str, SEEDS))}: try the other pooling, or another "
            "learning rate.")


register(Exercise(
    name="ch6.sigmoid_recipe",
    form=Recipe(),
    solution=lambda: D2L_RECIPE | {"activation": nn.Tanh},  # one change is enough
    right=lambda recipe: len(seed_accuracies(recipe)) == len(SEEDS) and
    min(seed_accuracies(recipe)) >= TARGET,
    praise=_praise,
    hint=_missed,
    mistakes=(
        Mistake(dict(D2L_RECIPE), "That is d2l's recipe as it is; change at least one "
                                  "ingredient.",
                lambda recipe: recipe == D2L_PARSED),
        Mistake(D2L_RECIPE | {"lr": 0.1, "momentum": 0.9},
                "With sigmoids it stays near chance: a sigmoid's slope is at most 1/4, so each "
                "one shrinks the gradient on its way back. Change the activation.",
                lambda recipe: recipe[0] is nn.Sigmoid),
        Mistake(D2L_RECIPE | {"activation": nn.ReLU, "pooling": nn.MaxPool2d},
                "With ReLU the gradient comes back at full strength, and then a learning rate "
                "of 0.5 or more is too large a step: the loss jumps about instead of settling. "
                "Take smaller steps.",
                lambda recipe: recipe[0] is nn.ReLU and recipe[2] >= 0.5),
    ),
))

namespace Seagull

module internal Placeholder_Experiment_Plots =
    let internal pending = ()

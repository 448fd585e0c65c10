from h import *
hid=read_hidden(sys.argv[1] if len(sys.argv)>1 else '/work/shared/datasets/los-loop/kriging-test-nodes.csv',ids)
obs,fold,nf=setup(hid)
Xtr=X[:TR]; Xte=X[TR:]; P=profile(Xtr); lvl=Xtr.mean(0)
todtr=np.arange(TR)%288; todte=np.arange(TR,T)%288
def make(K, s, upf, gamma, mode='mean'):
    # directed distance: downstream = Dm[t,j] (path t->j), upstream = Dm[j,t]*upf (penalised)
    def fn(Xr,tod,t,cand):
        dd=np.minimum(Dm[t,cand], Dm[cand,t]*upf)
        o=np.argsort(dd,kind='stable')[:K]; nb=cand[o]; d=dd[o]
        w=np.exp(-(d/(s*SIG))**2)+1e-300
        L=lvl[nb]; med=np.median(L)
        w=w*np.exp(-gamma*np.abs(L-med)/10)
        V=Xr[:,nb]
        return V@w/w.sum()
    return fn
def cv(fn):
    e=[]
    for t in obs:
        cand=np.array([j for j in obs if fold[j]!=fold[t]]); e.append(np.abs(fn(Xtr,todtr,t,cand)-Xtr[:,t]))
    return np.mean(e)
def te(fn): return np.mean([np.abs(fn(Xte,todte,t,obs)-Xte[:,t]) for t in hid])
for upf in [1,1.5,2,4]:
  for gamma in [0,1,2,4]:
    for K,s in [(5,1),(8,1),(8,2)]:
      fn=make(K,s,upf,gamma); print(upf,gamma,K,s,round(cv(fn),3),round(te(fn),3),flush=True)
